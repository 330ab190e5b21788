/* One-off measurement (scripts/bench/wamr-code/run.sh): loads an image with WAMR's fast
 * interpreter as the boards do (read-only, wasm_binary_freeable) and prints, per function,
 * what the loader made of it: the wasm body's bytes, the precompiled code's bytes, the
 * constants table, locals and params; then the pool in use after loading and its peak. It reads WAMR's internal structures (wasm.h), so it
 * must be compiled with the engine's own definitions (run.sh takes them from CMake). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "wasm_export.h"
#include "wasm.h"

int wamr_board_vprintf(const char *format, va_list ap) { return vfprintf(stderr, format, ap); }

static char pool[8 << 20];
static unsigned char image[1 << 20];

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: code-size IMAGE.wasm\n"); return 2; }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  size_t n = fread(image, 1, sizeof image, f);
  fclose(f);
  RuntimeInitArgs init = {0};
  init.mem_alloc_type = Alloc_With_Pool;
  init.mem_alloc_option.pool.heap_buf = pool;
  /* CODE_SIZE_POOL: a smaller pool, to find the smallest that loads and instantiates. */
  init.mem_alloc_option.pool.heap_size = getenv("CODE_SIZE_POOL") ? (uint32_t)atoi(getenv("CODE_SIZE_POOL")) : sizeof pool;
  if (!wasm_runtime_full_init(&init)) { fprintf(stderr, "WAMR init failed\n"); return 1; }
  char error[128];
  LoadArgs load = {0};
  load.name = "";
  load.wasm_binary_freeable = true;
  wasm_module_t module = wasm_runtime_load_ex(image, (uint32_t)n, &load, error, sizeof error);
  if (!module) { printf("# not loaded: %s\n", error); return 1; }
  mem_alloc_info_t loaded;
  wasm_runtime_get_mem_alloc_info(&loaded);
  const WASMModule *m = (const WASMModule *)module;
  printf("function\twasm_body\tcompiled\tconst_bytes\tlocals\tparams\n");
  for (uint32 i = 0; i < m->function_count; i++) {
    const WASMFunction *fn = m->functions[i];
    printf("%u\t%u\t%u\t%u\t%u\t%u\n", i, fn->code_size, fn->code_compiled_size, fn->const_cell_num * 4,
           fn->local_count, fn->func_type->param_count);
  }
  printf("# sizeof WASMFunction %u\n", (unsigned)sizeof(WASMFunction));
  /* What the pool holds once loaded, and the most it held while loading (the loader's
   * temporary buffers included). */
  printf("# pool after load: in use %u, peak %u\n", loaded.total_size - loaded.total_free_size, loaded.highmark_size);
  /* Then instantiated with the board's smallest stack (no natives: an image whose start
   * function calls the board cannot be instantiated here, and says so). */
  uint32_t stack = getenv("CODE_SIZE_STACK") ? (uint32_t)atoi(getenv("CODE_SIZE_STACK")) : 2176;
  wasm_module_inst_t inst = wasm_runtime_instantiate(module, stack, 0, error, sizeof error);
  wasm_exec_env_t env = inst ? wasm_runtime_create_exec_env(inst, stack) : NULL;
  mem_alloc_info_t running;
  wasm_runtime_get_mem_alloc_info(&running);
  if (env)
    printf("# pool with instance and exec env (stack %u): in use %u, peak %u\n", stack,
           running.total_size - running.total_free_size, running.highmark_size);
  else
    printf("# not instantiated: %s\n", inst ? "no exec env" : error);
  return 0;
}
