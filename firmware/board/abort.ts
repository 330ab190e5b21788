// The compiler's abort is routed here (asconfig "use": abort=...). It must not allocate:
// the heap may be what failed. The message is copied as ASCII into a static buffer.
import { panic } from "./abi";

const PANIC_BUF_SIZE = 128;
const panicBuf = memory.data(PANIC_BUF_SIZE);

export function boardAbort(msg: string | null = null, file: string | null = null, line: u32 = 0, col: u32 = 0): void {
  let n = 0;
  if (msg !== null) {
    const chars = min(msg.length, PANIC_BUF_SIZE);
    for (let i = 0; i < chars; i++) {
      const c = msg.charCodeAt(i);
      store<u8>(panicBuf + n++, c < 0x20 || c > 0x7e ? 0x3f : <u8>c);
    }
  }
  panic(panicBuf, n, <i32>line, <i32>col);
  unreachable();
}
