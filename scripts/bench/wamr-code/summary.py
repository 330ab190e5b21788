# Prints run.sh's figures for one image: totals per function, and the precompiled code by
# the kind of wasm opcode it came from (when by-opcode.py ran).
import os, sys

image, variant, functions, opcodes = sys.argv[1:5]
rows = [l.split("\t") for l in open(functions) if l[0].isdigit()]
struct = next(int(l.split()[-1]) for l in open(functions) if l.startswith("# sizeof WASMFunction"))
body = sum(int(r[1]) for r in rows); code = sum(int(r[2]) for r in rows); consts = sum(int(r[3]) for r in rows)
print(f"{image} ({variant}): {len(rows)} functions, wasm bodies {body} B -> precompiled code {code} B "
      f"({code / body:.2f}x), constants {consts} B, function structs {len(rows)} x {struct} B = {len(rows) * struct} B")
for l in open(functions):
    if l.startswith("# pool") or l.startswith("# not instantiated"):
        print("  " + l[2:].strip())
# The largest functions, named from the image's text file (its functions in index order).
wat = os.path.join(os.path.dirname(functions), "../../images", f"{image}.wat")
if os.path.exists(wat):
    names = [l.split()[1][1:] for l in open(wat) if l.startswith(" (func $")]
    if len(names) == len(rows):
        largest = sorted(rows, key=lambda r: -int(r[2]))[:10]
        print("  largest: " + ", ".join(f"{names[int(r[0])]} {int(r[2])} B (wasm {r[1]})" for r in largest))
if not os.path.exists(opcodes):
    sys.exit(0)
KINDS = [("call", lambda o: o in (0x10, 0x11)),
         ("load/store (memarg offset 4 B)", lambda o: 0x28 <= o <= 0x3E),
         ("control: if/else/end/br/br_if/br_table/return", lambda o: o in (0x00, 0x02, 0x03, 0x04, 0x05, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F)),
         ("local.set/tee", lambda o: o in (0x21, 0x22)),
         ("global.get/set", lambda o: o in (0x23, 0x24)),
         ("select", lambda o: o == 0x1B),
         ("local.get, consts, drop (no code)", lambda o: o in (0x20, 0x41, 0x42, 0x43, 0x44, 0x1A)),
         ("arithmetic, compare, convert", lambda o: True)]
sums = {k: [0, 0] for k, _ in KINDS}
top = []
for line in open(opcodes):
    o, n, b = line.split(); o, n, b = int(o, 16), int(n), int(b)
    top.append((b, o, n))
    kind = next(k for k, test in KINDS if test(o))
    sums[kind][0] += n; sums[kind][1] += b
total = sum(b for b, _, _ in top)
print(f"  {'kind':48} {'opcodes':>8} {'bytes':>7} {'share':>6} {'B/op':>5}")
for k, (n, b) in sorted(sums.items(), key=lambda kv: -kv[1][1]):
    print(f"  {k:48} {n:8} {b:7} {100 * b / total:5.1f}% {b / n if n else 0:5.1f}")
print("  largest by opcode: " + ", ".join(f"0x{o:02x} {n}x {b} B" for b, o, n in sorted(top, reverse=True)[:8]))
