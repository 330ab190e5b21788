// Compiler transform for the firmware images (asconfig.json "transform"): text appended
// to the composer as a string literal, `c.add("Bath ")` or `c.add(on ? "On" : "Off")`,
// becomes UTF-8 bytes in static memory, each led by its length:
// `c.addText(memory.data<u8>([5, 0x42, ...]))`; and so does the text a literal's bytes are
// made from, `board.utf8("DIRECT-xx")` → `board.utf8Text(memory.data<u8>([9, ...]))`, a
// new Uint8Array of the same bytes.
//
// Why: the compiler stores every string literal as a UTF-16 object with a 20-byte header
// (data segments of its own); screens, log lines and byte constants only ever need the
// UTF-8 bytes. The text stays readable where it is used, and the result is the same bytes
// either way: the unit tests compile without this transform and exercise add() and
// utf8() themselves.
//
// Only `.add(<text>)` and `.utf8(<text>)` are touched, where <text> is a string literal
// or a choice (?:) whose every outcome is one; the condition still runs once. addText exists only on the
// Composer and utf8Text only on the board, so a call on anything else fails to compile
// instead of changing meaning. Left alone: literals with a UTF-16 surrogate (the
// composer's WTF-8 and Node's encoder differ there), and texts over 255 bytes (the length
// is one byte).
import { Transform } from "assemblyscript/transform";
import { Node, NodeKind, LiteralKind } from "assemblyscript";

const MAX_TEXT = 255;

/** Whether every outcome of `e` is a string literal this transform can store. */
function storable(e) {
  if (e.kind === NodeKind.Parenthesized) return storable(e.expression);
  if (e.kind === NodeKind.Ternary) return storable(e.ifThen) && storable(e.ifElse);
  if (e.kind !== NodeKind.Literal || e.literalKind !== LiteralKind.String) return false;
  return !/[\ud800-\udfff]/.test(e.value) && Buffer.byteLength(e.value, "utf8") <= MAX_TEXT;
}

/** `e` with each string literal replaced by a pointer to its length-led UTF-8 bytes. */
function stored(e) {
  if (e.kind === NodeKind.Parenthesized) { e.expression = stored(e.expression); return e; }
  if (e.kind === NodeKind.Ternary) { e.ifThen = stored(e.ifThen); e.ifElse = stored(e.ifElse); return e; }
  const bytes = Buffer.from(e.value, "utf8");
  const r = e.range;
  const int = (v) => Node.createIntegerLiteralExpression(globalThis.i64_new(v, 0), r);
  const u8 = Node.createNamedType(Node.createSimpleTypeName("u8", r), null, false, r);
  return Node.createCallExpression(
    Node.createPropertyAccessExpression(Node.createIdentifierExpression("memory", r), Node.createIdentifierExpression("data", r), r),
    [u8], [Node.createArrayLiteralExpression([bytes.length, ...bytes].map(int), r)], r);
}

const REWRITTEN = { add: "addText", utf8: "utf8Text" };

function rewrite(call) {
  const callee = call.expression;
  if (callee.kind !== NodeKind.PropertyAccess || !Object.hasOwn(REWRITTEN, callee.property.text)) return;
  if (call.args.length !== 1 || !storable(call.args[0])) return;
  callee.property = Node.createIdentifierExpression(REWRITTEN[callee.property.text], callee.property.range);
  call.args = [stored(call.args[0])];
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
