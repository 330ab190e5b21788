/* The image this executable runs, built in: the bytes of IMAGE_WASM (a path, set by
 * scripts/build-wamr.ts). In .data, not .rodata: the classic interpreter patches its
 * bytecode while running, and a plain load writes into the buffer in both modes. */
#ifndef IMAGE_WASM
#error "build with -DIMAGE_WASM=\"<path to the .wasm>\" (scripts/build-wamr.ts does)"
#endif

__asm__(".section .data.image_wasm,\"aw\"\n"
        ".balign 16\n"
        ".global image_wasm\n"
        "image_wasm:\n"
        ".incbin \"" IMAGE_WASM "\"\n"
        ".global image_wasm_end\n"
        "image_wasm_end:\n"
        ".previous\n");
