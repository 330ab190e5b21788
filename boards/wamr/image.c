/* The image this executable runs, built in: the bytes of IMAGE_WASM (a path, set by
 * scripts/build-wamr.ts). Under the classic interpreter in writable memory: it patches
 * its bytecode while running, so on a device its copy must be in RAM. Under the fast
 * interpreter in read-only memory, as it would stay in flash on a device: the board loads
 * it with wasm_binary_freeable (boards/wamr/engine.c), so WAMR keeps no pointer into it and
 * never writes it (a write here would be a crash). */
#ifndef IMAGE_WASM
#error "build with -DIMAGE_WASM=\"<path to the .wasm>\" (scripts/build-wamr.ts does)"
#endif
#ifndef WAMR_FAST_INTERP
#error "build with -DWAMR_FAST_INTERP=1 or 0 (scripts/build-wamr.ts does)"
#endif

#if WAMR_FAST_INTERP
#define IMAGE_SECTION ".section .rodata.image_wasm,\"a\"\n"
#else
#define IMAGE_SECTION ".section .data.image_wasm,\"aw\"\n"
#endif

__asm__(IMAGE_SECTION
        ".balign 16\n"
        ".global image_wasm\n"
        "image_wasm:\n"
        ".incbin \"" IMAGE_WASM "\"\n"
        ".global image_wasm_end\n"
        "image_wasm_end:\n"
        ".previous\n");
