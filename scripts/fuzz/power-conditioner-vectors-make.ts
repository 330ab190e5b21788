// Makes scripts/fuzz/power-conditioner-vectors.ts: the signatures of the fuzzer's
// authentication information under its fixed partner and operator keys (ECDSA draws a
// nonce, so they are made once and kept). Run: npx tsx scripts/fuzz/power-conditioner-vectors-make.ts
import { createECDH, createHash, createPrivateKey, sign } from "node:crypto";
import { writeFileSync } from "node:fs";
import { infoBody } from "./power-conditioner.ts";

function privateKey(name: string) {
  const d = createHash("sha256").update(`pcs-fuzz ${name}`).digest();
  const e = createECDH("prime256v1");
  e.setPrivateKey(d);
  const pub = e.getPublicKey();
  return createPrivateKey({ key: { kty: "EC", crv: "P-256", d: d.toString("base64url"), x: pub.subarray(1, 33).toString("base64url"), y: pub.subarray(33).toString("base64url") }, format: "jwk" });
}
const keys = { partner: privateKey("partner"), operator: privateKey("operator") };
const sigs = [1, 2, 3, 4, 5, 6].map((serial) => sign("sha256", infoBody(serial), { key: serial % 3 ? keys.partner : keys.operator, dsaEncoding: "ieee-p1363" }).toString("hex"));
writeFileSync(new URL("./power-conditioner-vectors.ts", import.meta.url), `// Made by scripts/fuzz/power-conditioner-vectors-make.ts: r ‖ s of authentication information 1..6.
export const SIGNATURES: readonly string[] = [
${sigs.map((s) => `  "${s}",`).join("\n")}
];
`);
