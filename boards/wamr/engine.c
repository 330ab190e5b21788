/* The WAMR engine (engine.h): the image's bytes (image.c) loaded by WAMR's interpreter,
 * fast or classic (whichever libvmlib this executable is linked with), its imports bound
 * to the engine-neutral board as WAMR natives.
 *
 * WAMR loads a module whose imports it cannot link with only a warning and traps when one
 * is called, so the board checks every import itself before instantiating, and refuses
 * the image naming the import. Natives find the board through their symbol's attachment:
 * the start function runs inside wasm_runtime_instantiate, before any exec env of ours. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "engine.h"
#include "wasm_export.h"

#define ABI_TABLES
#define ABI_BOARD_PROTOTYPES
#include "abi_v1.h"

extern const uint8_t image_wasm[], image_wasm_end[];

/* Sizes a board can set (--wamr-pool, --wamr-stack; or, when not given, the environment's
 * BOARD_WAMR_POOL and BOARD_WAMR_STACK, which reach boards started deep inside the
 * simulator): the RAM search (scripts/bench/wamr.ts) runs the scenarios with smaller
 * ones until they fail. */
static uint32_t pool_size = 1u << 20;
static uint32_t stack_size = 16u << 10;
static int pool_given, stack_given;

static wasm_module_t module;
static wasm_module_inst_t inst;
static wasm_exec_env_t env;
static wasm_function_inst_t fn[ABI_FUNC_EXPORT_COUNT];
enum { FW_ABI_VERSION, FW_BOOT, FW_EVENT, FW_INBOX, FW_INBOX_SIZE };
/* The instance whose memory the board reads: set before the start function can call a
 * native (from the native's exec env) and after instantiation. */
static wasm_module_inst_t current;

int wamr_board_vprintf(const char *format, va_list ap);
int wamr_board_vprintf(const char *format, va_list ap)
{
    /* stdout is the device link: WAMR's messages go to stderr. */
    return vfprintf(stderr, format, ap);
}

#define WAMR_NATIVE(ret, name, decl, args, kw, sig) \
    static ret native_##name(wasm_exec_env_t e ABI_UNPAREN decl) \
    { \
        current = wasm_runtime_get_module_inst(e); \
        kw board_##name(wasm_runtime_get_function_attachment(e) ABI_UNPAREN args); \
    }
ABI_FOR_EACH_IMPORT_SIG(WAMR_NATIVE)

/* WAMR keeps (and sorts) this array: static, writable, for the program's life. */
#define WAMR_SYMBOL(ret, name, decl, args, kw, sig) { #name, (void *)native_##name, sig, NULL },
static NativeSymbol natives[] = { ABI_FOR_EACH_IMPORT_SIG(WAMR_SYMBOL) };

static _Noreturn void refuse(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "wamr: image %s refused: ", IMAGE_NAME);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_ABI);
}

static uint32_t number(const char *opt, const char *s, uint32_t min)
{
    char *end;
    unsigned long v = s ? strtoul(s, &end, 10) : 0;
    if (!s || *s < '0' || *s > '9' || *end || v < min || v > UINT32_MAX) {
        fprintf(stderr, "wamr: %s needs a number of bytes >= %u\n", opt, min);
        exit(EXIT_USAGE);
    }
    return (uint32_t)v;
}

int engine_option(const char *opt, const char *value)
{
    if (!strcmp(opt, "--wamr-pool")) pool_size = number(opt, value, 4096), pool_given = 1;
    else if (!strcmp(opt, "--wamr-stack")) stack_size = number(opt, value, 256), stack_given = 1;
    else return 0;
    return 1;
}

static void sizes_from_environment(void)
{
    const char *p = getenv("BOARD_WAMR_POOL"), *s = getenv("BOARD_WAMR_STACK");
    if (p && !pool_given) pool_size = number("BOARD_WAMR_POOL", p, 4096);
    if (s && !stack_given) stack_size = number("BOARD_WAMR_STACK", s, 256);
}

/* WAMR's wording of a trap, in wasm2c's (wasm-rt-impl.c), so a trace that ends in a trap
 * is the same on every engine. */
static const char *trap_text(const char *exception)
{
    static const struct { const char *wamr, *wasm2c; } map[] = {
        { "unreachable", "Unreachable instruction executed" },
        { "out of bounds memory access", "Out-of-bounds access in linear memory or a table" },
        { "out of bounds table access", "Out-of-bounds access in linear memory or a table" },
        { "integer divide by zero", "Integer divide by zero" },
        { "integer overflow", "Integer overflow on divide or truncation" },
        { "invalid conversion to integer", "Conversion from NaN to integer" },
        { "indirect call type mismatch", "Invalid call_indirect" },
        { "uninitialized element", "Invalid call_indirect" },
        { "undefined element", "Invalid call_indirect" },
        { "wasm operand stack overflow", "Call stack exhausted" },
        { "native stack overflow", "Call stack exhausted" },
        { "wasm auxiliary stack overflow", "Call stack exhausted" },
    };
    const char *e = exception;
    if (!strncmp(e, "Exception: ", 11)) e += 11;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(e, map[i].wamr)) return map[i].wasm2c;
    return exception;   /* unmapped: WAMR's own text */
}

static const char *letters(wasm_valkind_t k)
{
    return k == WASM_I32 ? "i" : k == WASM_I64 ? "I" : k == WASM_F32 ? "f" : k == WASM_F64 ? "F" : "?";
}

/* The import's signature in WAMR's letters, for the refusal message. */
static void import_sig(wasm_func_type_t ft, char *out, size_t n)
{
    size_t k = 0;
    out[k++] = '(';
    for (uint32_t i = 0; i < wasm_func_type_get_param_count(ft) && k + 3 < n; i++)
        out[k++] = letters(wasm_func_type_get_param_valkind(ft, i))[0];
    out[k++] = ')';
    for (uint32_t i = 0; i < wasm_func_type_get_result_count(ft) && k + 2 < n; i++)
        out[k++] = letters(wasm_func_type_get_result_valkind(ft, i))[0];
    out[k] = 0;
}

/* Every import must be a function of module "board" in the ABI, linked to its native (an
 * ABI name with another signature stays unlinked). */
static void check_imports(void)
{
    int32_t count = wasm_runtime_get_import_count(module);
    for (int32_t i = 0; i < count; i++) {
        wasm_import_t imp;
        wasm_runtime_get_import_type(module, i, &imp);
        if (imp.kind != WASM_IMPORT_EXPORT_KIND_FUNC)
            refuse("import %s.%s is not a function (the ABI imports functions only)", imp.module_name, imp.name);
        const struct abi_entry *a = NULL;
        if (!strcmp(imp.module_name, ABI_MODULE))
            for (int j = 0; j < ABI_IMPORT_COUNT; j++)
                if (!strcmp(imp.name, abi_imports[j].name)) a = &abi_imports[j];
        if (!a) refuse("import %s.%s is outside the board ABI", imp.module_name, imp.name);
        if (!imp.linked) {
            char got[40];
            import_sig(imp.u.func_type, got, sizeof got);
            refuse("import %s.%s has signature %s, the ABI's is (%s)%s", imp.module_name, imp.name, got, a->params, a->result);
        }
    }
}

/* The ABI's exports, with their signatures. */
static void find_exports(void)
{
    for (int i = 0; i < ABI_FUNC_EXPORT_COUNT; i++) {
        const struct abi_entry *a = &abi_func_exports[i];
        wasm_function_inst_t f = wasm_runtime_lookup_function(inst, a->name);
        if (!f) refuse("export %s is missing", a->name);
        uint32_t np = wasm_func_get_param_count(f, inst), nr = wasm_func_get_result_count(f, inst);
        wasm_valkind_t p[16], r[4];
        int ok = np == strlen(a->params) && nr == strlen(a->result) && np <= 16 && nr <= 4;
        if (ok) {
            wasm_func_get_param_types(f, inst, p);
            wasm_func_get_result_types(f, inst, r);
            for (uint32_t j = 0; j < np; j++) ok &= letters(p[j])[0] == a->params[j];
            for (uint32_t j = 0; j < nr; j++) ok &= letters(r[j])[0] == a->result[j];
        }
        if (!ok) refuse("export %s does not have the ABI's signature (%s)%s", a->name, a->params, a->result);
        fn[i] = f;
    }
}

void engine_load(struct board *b)
{
    char err[128];
    sizes_from_environment();
    void *pool = malloc(pool_size);
    if (!pool) { fprintf(stderr, "wamr: no memory for a %u-byte pool\n", pool_size); exit(EXIT_PANIC); }
    for (size_t i = 0; i < sizeof natives / sizeof natives[0]; i++) natives[i].attachment = b;

    RuntimeInitArgs init;
    memset(&init, 0, sizeof init);
    init.mem_alloc_type = Alloc_With_Pool;
    init.mem_alloc_option.pool.heap_buf = pool;
    init.mem_alloc_option.pool.heap_size = pool_size;
    if (!wasm_runtime_full_init(&init)) { fprintf(stderr, "wamr: runtime init failed\n"); exit(EXIT_PANIC); }
    wasm_runtime_set_log_level(WASM_LOG_LEVEL_ERROR);
    if (!wasm_runtime_register_natives(ABI_MODULE, natives, sizeof natives / sizeof natives[0])) {
        fprintf(stderr, "wamr: registering the board's natives failed\n");
        exit(EXIT_PANIC);
    }

    /* The fast interpreter translates the module into the pool and, told the binary is
     * freeable, keeps nothing pointing into it: the image stays read-only (in flash on a
     * device). The classic one runs the bytecode in place and patches it. */
    LoadArgs load;
    memset(&load, 0, sizeof load);
    load.name = IMAGE_NAME;
    load.wasm_binary_freeable = WAMR_FAST_INTERP != 0;
    module = wasm_runtime_load_ex((uint8_t *)image_wasm, (uint32_t)(image_wasm_end - image_wasm), &load, err, sizeof err);
    if (!module) refuse("%s", err);
    check_imports();

    /* The images export their allocator (asc --exportRuntime), so WAMR's app heap would
     * go unused: 0. Instantiation runs the start function: a trap there is a trap. */
    inst = wasm_runtime_instantiate(module, stack_size, 0, err, sizeof err);
    if (!inst) {
        const char *trap = strstr(err, "Exception: ");
        if (trap) board_trap(trap_text(trap));
        refuse("%s", err);
    }
    current = inst;
    find_exports();
    env = wasm_runtime_create_exec_env(inst, stack_size);
    if (!env) { fprintf(stderr, "wamr: no exec env (stack %u bytes)\n", stack_size); exit(EXIT_PANIC); }
}

uint8_t *engine_memory(uint64_t *size)
{
    wasm_memory_inst_t m = current ? wasm_runtime_get_default_memory(current) : NULL;
    if (!m) { *size = 0; return NULL; }
    *size = (uint64_t)wasm_memory_get_cur_page_count(m) * wasm_memory_get_bytes_per_page(m);
    return wasm_memory_get_base_address(m);
}

static uint32_t call(int which, uint32_t argc, uint32_t *argv)
{
    if (!wasm_runtime_call_wasm(env, fn[which], argc, argv)) board_trap(trap_text(wasm_runtime_get_exception(inst)));
    return argv[0];
}

uint32_t engine_fw_abi_version(void) { uint32_t a[1] = { 0 }; return call(FW_ABI_VERSION, 0, a); }
uint32_t engine_fw_boot(void) { uint32_t a[1] = { 0 }; return call(FW_BOOT, 0, a); }
uint32_t engine_fw_event(uint32_t kind, uint32_t arg, uint32_t len) { uint32_t a[3] = { kind, arg, len }; return call(FW_EVENT, 3, a); }
uint32_t engine_fw_inbox(void) { uint32_t a[1] = { 0 }; return call(FW_INBOX, 0, a); }
uint32_t engine_fw_inbox_size(void) { uint32_t a[1] = { 0 }; return call(FW_INBOX_SIZE, 0, a); }

/* The bench's RAM figure (scripts/bench/wamr.ts): with BOARD_WAMR_REPORT set, the linear
 * memory WAMR allocated for the instance is appended to that file at the end of a run.
 * Read from the instance, not the module's declaration: WAMR may shrink a memory below a
 * page, and it never shrinks while running, so the end is the peak. */
static void report_memory(void)
{
    const char *path = getenv("BOARD_WAMR_REPORT");
    if (!path) return;
    uint64_t size;
    engine_memory(&size);
    FILE *f = fopen(path, "a");
    if (!f) { fprintf(stderr, "wamr: cannot append to %s\n", path); return; }
    fprintf(f, "linear %llu\n", (unsigned long long)size);
    fclose(f);
}

void engine_unload(void)
{
    report_memory();
    wasm_runtime_destroy_exec_env(env);
    wasm_runtime_deinstantiate(inst);
    wasm_runtime_unload(module);
    wasm_runtime_destroy();
}
