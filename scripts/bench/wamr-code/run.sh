#!/bin/sh
# One-off measurement: what WAMR's fast interpreter makes of each image's code on a 32-bit
# build (boards/wamr/README.md, "What the fast interpreter's pool is made of"). Builds the
# engine as boards/wamr/CMakeLists.txt configures it, but -O0 -g, under
# build/wamr-code/<variant>/, then per image: the precompiled code per function
# (code-size.c) and, with gdb, per wasm opcode (by-opcode.py), summed by kind.
#
#   scripts/bench/wamr-code/run.sh [image ...]      (WAMR_COMPACT_CODE=0: handler addresses)
set -e
root=$(cd "$(dirname "$0")/../../.." && pwd)
here=$root/scripts/bench/wamr-code
wamr=${WAMR_ROOT:-$(dirname "$(ls -d "$root"/build/wamr-src/*/build-scripts/runtime_lib.cmake | head -1)")/..}
[ -f "$wamr/core/iwasm/interpreter/wasm_loader.c" ] || { echo "no WAMR sources under build/wamr-src (npm run build with WAMR_SOURCE)" >&2; exit 1; }
if [ "$WAMR_COMPACT_CODE" = 0 ]; then variant=labels; compact=OFF; else variant=compact; compact=ON; fi
out=$root/build/wamr-code/$variant
mkdir -p "$out/src"
sed 's/set (CMAKE_C_FLAGS_RELEASE "-O2")/set (CMAKE_C_FLAGS_RELEASE "-O0 -g")/' "$root/boards/wamr/CMakeLists.txt" > "$out/src/CMakeLists.txt"
cmake -S "$out/src" -B "$out/engine" -DWAMR_ROOT_DIR="$wamr" -DWAMR_BUILD_FAST_INTERP=1 -DWAMR_BOARD_COMPACT_CODE=$compact \
  -DWAMR_BUILD_TARGET=X86_32 -DCMAKE_C_FLAGS=-m32 -DCMAKE_ASM_FLAGS=-m32 > "$out/cmake.log" 2>&1
cmake --build "$out/engine" --target vmlib -j 2 > "$out/build.log"
flags=$out/engine/CMakeFiles/vmlib.dir/flags.make
# shellcheck disable=SC2046
gcc -m32 -O0 -g $(sed -n 's/^C_DEFINES = //p' "$flags") $(sed -n 's/^C_INCLUDES = //p' "$flags") \
  -o "$out/code-size" "$here/code-size.c" "$out/engine/libvmlib.a" -lm -lpthread
images=${*:-water-heater smart-plug devkit board-conformance}
for image in $images; do
  wasm=$root/build/images/$image.wasm
  "$out/code-size" "$wasm" > "$out/$image.functions.tsv"
  if command -v gdb > /dev/null; then
    WAMR_LOADER_C=$wamr/core/iwasm/interpreter/wasm_loader.c OPCODES_OUT=$out/$image.opcodes.tsv \
      gdb -q -batch -x "$here/by-opcode.py" --args "$out/code-size" "$wasm" > /dev/null 2> "$out/gdb.log"
  fi
  python3 "$here/summary.py" "$image" "$variant" "$out/$image.functions.tsv" "$out/$image.opcodes.tsv"
done
