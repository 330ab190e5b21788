/* abi-check: refuse a wasm image that reaches outside the board ABI, before it is
 * translated (the same check a WAMR board makes before wasm_runtime_load).
 *
 *   abi-check IMAGE.wasm    exit 0: fine; 78: refused (stderr names the problem);
 *                           65: not a readable wasm module; 64: usage.
 *
 * The image is untrusted input: every length and index read from it is checked against
 * the bytes that are really there, LEB128 numbers are capped at 5 bytes, and nothing is
 * allocated from a length the file claims. The ABI list comes from abi_v1.h, generated
 * from boards/abi/v1.json. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ABI_TABLES
#include "abi_v1.h"

#define EXIT_OK 0
#define EXIT_USAGE 64
#define EXIT_DATA 65
#define EXIT_REFUSED 78

#define MAX_IMAGE (64u << 20)   /* firmware images are kilobytes; refuse absurd files */
#define MAX_TYPES 10000         /* functypes we remember (signature strings) */
#define MAX_SIG 16              /* params (or results) we spell out per type */

static const char *image;
static int refused;

static void refuse(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "abi-check: %s: ", image);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    refused = 1;
}

static void bad(const char *what)
{
    fprintf(stderr, "abi-check: %s: not a valid wasm module (%s)\n", image, what);
    exit(EXIT_DATA);
}

/* A cursor over [p, end): reads never pass end. */
struct cur { const uint8_t *p, *end; };

static uint8_t u8(struct cur *c)
{
    if (c->p >= c->end) bad("truncated");
    return *c->p++;
}

static uint32_t leb(struct cur *c)
{
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        uint8_t b = u8(c);
        if (shift == 28 && (b & 0x70)) bad("LEB128 too large");
        v |= (uint32_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) return v;
    }
    bad("LEB128 too long");
    return 0;
}

/* A name: its bytes stay in the file buffer; n checked against what remains. */
static const uint8_t *name(struct cur *c, uint32_t *n)
{
    *n = leb(c);
    if (*n > (size_t)(c->end - c->p)) bad("name runs past its section");
    const uint8_t *s = c->p;
    c->p += *n;
    return s;
}

static struct cur sub(struct cur *c, uint32_t n)
{
    if (n > (size_t)(c->end - c->p)) bad("section runs past the end of the file");
    struct cur s = { c->p, c->p + n };
    c->p += n;
    return s;
}

/* Functypes as "params:results" in ABI letters: i = i32, I = i64, f/F = f32/f64,
 * v = v128, r = reference. Longer lists than MAX_SIG become "?" and match nothing. */
static char (*types)[2 * MAX_SIG + 2];
static uint32_t ntypes;

static char letter(uint8_t t)
{
    switch (t) {
    case 0x7F: return 'i';
    case 0x7E: return 'I';
    case 0x7D: return 'f';
    case 0x7C: return 'F';
    case 0x7B: return 'v';
    case 0x70: case 0x6F: return 'r';
    default: bad("unknown value type"); return 0;
    }
}

static void read_types(struct cur c)
{
    uint32_t n = leb(&c);
    if (n > (size_t)(c.end - c.p)) bad("type count");   /* each type is >= 1 byte */
    if (n > MAX_TYPES) bad("too many types");
    types = calloc(n ? n : 1, sizeof *types);
    if (!types) bad("out of memory");
    ntypes = n;
    for (uint32_t i = 0; i < n; i++) {
        if (u8(&c) != 0x60) bad("type is not a function type");
        char *s = types[i];
        size_t k = 0;
        for (int part = 0; part < 2; part++) {
            uint32_t m = leb(&c);
            if (m > (size_t)(c.end - c.p)) bad("type length");
            for (uint32_t j = 0; j < m; j++) {
                char l = letter(u8(&c));
                if (m <= MAX_SIG) s[k++] = l;
            }
            if (m > MAX_SIG) s[k++] = '?';
            if (part == 0) s[k++] = ':';
        }
        s[k] = 0;
    }
}

static const char *type_sig(uint32_t idx)
{
    if (idx >= ntypes) bad("type index out of range");
    return types[idx];
}

static void want_sig(char *buf, size_t size, const struct abi_entry *e)
{
    snprintf(buf, size, "%s:%s", e->params, e->result);
}

static void print_name(char *out, size_t size, const uint8_t *s, uint32_t n)
{
    /* Names go to a terminal: show only printable ASCII. */
    size_t k = 0;
    for (uint32_t i = 0; i < n && k + 5 < size; i++) {
        if (s[i] >= 0x20 && s[i] < 0x7F && s[i] != '"' && s[i] != '\\') out[k++] = (char)s[i];
        else k += (size_t)snprintf(out + k, size - k, "\\x%02x", s[i]);
    }
    if (k >= size) k = size - 1;
    out[k] = 0;
}

static int eq(const uint8_t *s, uint32_t n, const char *z) { return strlen(z) == n && memcmp(s, z, n) == 0; }

/* Function index space: imported functions first, then the function section's. */
static uint32_t nfunc_imports;
static uint32_t *func_types;
static uint32_t nfuncs;

static void read_imports(struct cur c)
{
    static const char *kinds[] = { "function", "table", "memory", "global", "tag" };
    uint32_t n = leb(&c);
    if (n > (size_t)(c.end - c.p)) bad("import count");
    for (uint32_t i = 0; i < n; i++) {
        uint32_t ml, fl;
        const uint8_t *m = name(&c, &ml), *f = name(&c, &fl);
        uint8_t kind = u8(&c);
        char mod[256], fld[256];
        print_name(mod, sizeof mod, m, ml);
        print_name(fld, sizeof fld, f, fl);
        if (kind != 0) {
            refuse("import \"%s.%s\" is a %s; the board ABI imports functions only", mod, fld,
                   kind < 5 ? kinds[kind] : "thing of unknown kind");
            /* Skip its description so the rest can still be reported. */
            switch (kind) {
            case 1: u8(&c); { uint8_t fl2 = u8(&c); leb(&c); if (fl2 & 1) leb(&c); } break;
            case 2: { uint8_t fl2 = u8(&c); leb(&c); if (fl2 & 1) leb(&c); } break;
            case 3: u8(&c); u8(&c); break;
            case 4: u8(&c); leb(&c); break;
            default: bad("unknown import kind");
            }
            continue;
        }
        uint32_t ti = leb(&c);
        const char *have = type_sig(ti);
        nfunc_imports++;
        const struct abi_entry *e = NULL;
        if (eq(m, ml, ABI_MODULE))
            for (size_t k = 0; k < ABI_IMPORT_COUNT; k++)
                if (eq(f, fl, abi_imports[k].name)) e = &abi_imports[k];
        if (!e) { refuse("import \"%s.%s\" is not in board ABI v%d.%d", mod, fld, ABI_VERSION, ABI_MINOR); continue; }
        char want[64];
        want_sig(want, sizeof want, e);
        if (strcmp(want, have) != 0)
            refuse("import \"%s.%s\" has signature (%s), board ABI v%d says (%s)", mod, fld, have, ABI_VERSION, want);
    }
    if (c.p != c.end) bad("import section has trailing bytes");
}

static void read_functions(struct cur c)
{
    uint32_t n = leb(&c);
    if (n > (size_t)(c.end - c.p)) bad("function count");
    func_types = calloc(n ? n : 1, sizeof *func_types);
    if (!func_types) bad("out of memory");
    nfuncs = n;
    for (uint32_t i = 0; i < n; i++) func_types[i] = leb(&c);
}

static int found_export[ABI_FUNC_EXPORT_COUNT], found_memory;

static void read_exports(struct cur c)
{
    uint32_t n = leb(&c);
    if (n > (size_t)(c.end - c.p)) bad("export count");
    for (uint32_t i = 0; i < n; i++) {
        uint32_t l;
        const uint8_t *s = name(&c, &l);
        uint8_t kind = u8(&c);
        uint32_t idx = leb(&c);
        if (eq(s, l, ABI_MEMORY_EXPORT)) {
            if (kind != 2) refuse("export \"%s\" is not a memory", ABI_MEMORY_EXPORT);
            else found_memory = 1;
            continue;
        }
        for (size_t k = 0; k < ABI_FUNC_EXPORT_COUNT; k++) {
            const struct abi_entry *e = &abi_func_exports[k];
            if (!eq(s, l, e->name)) continue;
            found_export[k] = 1;
            if (kind != 0) { refuse("export \"%s\" is not a function", e->name); break; }
            uint32_t ti;
            if (idx < nfunc_imports) { refuse("export \"%s\" re-exports an import", e->name); break; }
            if (idx - nfunc_imports >= nfuncs) bad("export function index out of range");
            ti = func_types[idx - nfunc_imports];
            char want[64];
            want_sig(want, sizeof want, e);
            const char *have = type_sig(ti);
            if (strcmp(want, have) != 0)
                refuse("export \"%s\" has signature (%s), board ABI v%d says (%s)", e->name, have, ABI_VERSION, want);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: abi-check IMAGE.wasm\n"); return EXIT_USAGE; }
    image = argv[1];
    FILE *fp = fopen(image, "rb");
    if (!fp) { perror(image); return EXIT_DATA; }
    uint8_t *buf = malloc(MAX_IMAGE + 1);
    if (!buf) bad("out of memory");
    size_t size = fread(buf, 1, MAX_IMAGE + 1, fp);
    fclose(fp);
    if (size > MAX_IMAGE) bad("larger than 64 MiB");

    struct cur c = { buf, buf + size };
    static const uint8_t magic[8] = { 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00 };
    for (int i = 0; i < 8; i++)
        if (u8(&c) != magic[i]) bad("bad magic or version");

    /* Sections in order; custom ones (id 0) may appear anywhere and are skipped. */
    int last = 0;
    while (c.p < c.end) {
        uint8_t id = u8(&c);
        uint32_t len = leb(&c);
        struct cur s = sub(&c, len);
        if (id == 0) continue;
        if (id > 13) bad("unknown section id");
        /* The data-count (12) and tag (13) sections sit out of numeric order. */
        int rank = id == 12 ? 95 : id == 13 ? 55 : id * 10;
        if (rank <= last) bad("section out of order or repeated");
        last = rank;
        switch (id) {
        case 1: read_types(s); break;
        case 2: read_imports(s); break;
        case 3: read_functions(s); break;
        case 7: read_exports(s); break;
        default: break;
        }
    }

    for (size_t k = 0; k < ABI_FUNC_EXPORT_COUNT; k++)
        if (!found_export[k]) refuse("missing export \"%s\"", abi_func_exports[k].name);
    if (!found_memory) refuse("missing export \"%s\"", ABI_MEMORY_EXPORT);

    free(buf);
    free(types);
    free(func_types);
    if (refused) {
        fprintf(stderr, "abi-check: %s: refused (board ABI v%d.%d, boards/abi/v1.json)\n", image, ABI_VERSION, ABI_MINOR);
        return EXIT_REFUSED;
    }
    return EXIT_OK;
}
