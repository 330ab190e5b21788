# One-off measurement (scripts/bench/wamr-code/run.sh), run inside gdb on code-size built
# against a -O0 -g engine: attributes the fast interpreter's precompiled code to the wasm
# opcodes it came from. At each opcode the loader reads (its first pass, which only counts)
# the growth of loader_ctx->code_compiled_size since the previous opcode is that opcode's
# share; the function's end closes the last one. Writes "opcode count bytes" lines to
# $OPCODES_OUT. The two source lines are found in WAMR's wasm_loader.c by their text.
import collections, os, re
import gdb

src = os.environ["WAMR_LOADER_C"]
lines = open(src).read().split("\n")
start = next(i for i, l in enumerate(lines) if "PUSH_CSP(LABEL_TYPE_FUNCTION, func_block_type, p);" in l)
head = next(i for i in range(start, len(lines)) if re.search(r"^\s*opcode = \*p\+\+;", lines[i])) + 1
end = next(i for i in range(head, len(lines)) if "if (loader_ctx->csp_num > 0) {" in lines[i] and lines[i].startswith("    if")) + 1

stats = collections.defaultdict(lambda: [0, 0])
state = {"op": None, "size": 0}
val = lambda e: int(gdb.parse_and_eval(e))

def counting():
    return val("(unsigned long)loader_ctx->p_code_compiled") == 0

class Opcode(gdb.Breakpoint):
    def stop(self):
        if not counting():
            return False
        size = val("loader_ctx->code_compiled_size")
        op = val("*p")
        if op == 0xFC:
            op = 0xFC00 + val("p[1]")
        if state["op"] is not None:
            stats[state["op"]][1] += size - state["size"]
        stats[op][0] += 1
        state["op"], state["size"] = op, size
        return False

class End(gdb.Breakpoint):
    def stop(self):
        if counting() and state["op"] is not None:
            stats[state["op"]][1] += val("loader_ctx->code_compiled_size") - state["size"]
        state["op"] = None
        return False

Opcode(f"wasm_loader.c:{head}")
End(f"wasm_loader.c:{end}")
gdb.execute("run")
with open(os.environ["OPCODES_OUT"], "w") as out:
    for op, (count, size) in sorted(stats.items(), key=lambda kv: -kv[1][1]):
        out.write(f"{op:x}\t{count}\t{size}\n")
