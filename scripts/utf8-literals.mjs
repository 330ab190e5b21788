// Compiler transform for the firmware images (asconfig.json "transform"): a string literal
// appended to the text composer, `c.add("Bath ")`, becomes its UTF-8 bytes in static
// memory, `c.addUtf8(memory.data<u8>([0x42, ...]), 5)`.
//
// Why: the compiler stores every string literal as a UTF-16 object with a 20-byte header
// (two data segments each); screens and log lines only ever need the UTF-8 bytes. The
// text stays readable where it is used, and the result is the same bytes either way: the
// unit tests compile without this transform and exercise add() itself.
//
// Only `.add(<one string literal>)` is touched. addUtf8 exists only on the Composer, so a
// call on anything else fails to compile instead of changing meaning. Literals with a
// UTF-16 surrogate are left alone (the composer's WTF-8 and Node's encoder differ there).
import { Transform } from "assemblyscript/transform";
import { Node, NodeKind, LiteralKind } from "assemblyscript";

function rewrite(call) {
  const callee = call.expression;
  if (callee.kind !== NodeKind.PropertyAccess || callee.property.text !== "add") return;
  if (call.args.length !== 1) return;
  const lit = call.args[0];
  if (lit.kind !== NodeKind.Literal || lit.literalKind !== LiteralKind.String) return;
  if (/[\ud800-\udfff]/.test(lit.value)) return;
  const bytes = Buffer.from(lit.value, "utf8");
  if (bytes.length == 0) return;
  const r = lit.range;
  const int = (v) => Node.createIntegerLiteralExpression(globalThis.i64_new(v, 0), r);
  const u8 = Node.createNamedType(Node.createSimpleTypeName("u8", r), null, false, r);
  const data = Node.createCallExpression(
    Node.createPropertyAccessExpression(Node.createIdentifierExpression("memory", r), Node.createIdentifierExpression("data", r), r),
    [u8], [Node.createArrayLiteralExpression([...bytes].map(int), r)], r);
  callee.property = Node.createIdentifierExpression("addUtf8", callee.property.range);
  call.args = [data, int(bytes.length)];
}

function walk(node, seen) {
  if (node === null || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) { for (const n of node) walk(n, seen); return; }
  if (typeof node.kind !== "number" || node.range === undefined) return;
  for (const key of Object.keys(node)) if (key !== "range" && key !== "parent") walk(node[key], seen);
  if (node.kind === NodeKind.Call) rewrite(node);
}

export default class Utf8Literals extends Transform {
  afterParse(parser) {
    for (const source of parser.sources) {
      if (source.internalPath.startsWith("~lib/")) continue;
      walk(source.statements, new Set());
    }
  }
}
