// Development PKI for the simulated MQTT/TLS world: one CA, a server certificate for
// "localhost"/127.0.0.1, and one client certificate per name (a board serial such as
// "WH-0001", or "cloud"), and ECDSA P-256 factory identities of remotes (issueDevice,
// deviceIdentity). Made on first use and kept as PEM files in `dir` (data/pki/),
// so later runs reuse them. Not for production: the CA key sits beside its certificate.
//
// Layout:  ca.key.pem ca.cert.pem server.key.pem server.cert.pem
//          clients/<name>.key.pem clients/<name>.cert.pem
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import forge from "node-forge";

const { pki, md } = forge;

export interface KeyAndCert {
  /** PEM certificate. */
  cert: string;
  /** PEM private key (PKCS#1 RSA). */
  key: string;
}

export interface Pki {
  readonly dir: string;
  /** The CA certificate (PEM): clients and the broker trust this. */
  readonly ca: string;
  /** The broker's certificate and key: CN localhost, SAN DNS:localhost, IP:127.0.0.1. */
  readonly server: KeyAndCert;
  /** The client certificate of `name` (CN = name), made on first request. */
  clientCert(name: string): KeyAndCert;
  /** A new factory identity of the remote `serial`: its own ECDSA P-256 key pair and a
   *  certificate CN = serial signed by the CA (a factory does this once per unit). */
  issueDevice(serial: string): KeyAndCert;
  /** The factory identity kept in `dir` (device.key.pem, device.cert.pem), issued and
   *  kept there when missing or no longer valid. */
  deviceIdentity(dir: string, serial: string): KeyAndCert;
}

const CA_YEARS = 10;
const LEAF_YEARS = 10;
const BITS = 2048;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ORG = "Appliance Firmware Kit (development)";

/** RSA key pair; forge uses node's native generateKeyPairSync when available, so this
 *  takes tens of milliseconds, not seconds. */
function newKeys(): forge.pki.rsa.KeyPair {
  return pki.rsa.generateKeyPair({ bits: BITS, e: 0x10001 });
}

/** A positive random serial (20 bytes at most per RFC 5280; first bit clear). */
function newSerial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  if (b[0] === 0) b[0] = 1;
  return b.toString("hex");
}

function validity(cert: forge.pki.Certificate, years: number): void {
  const now = new Date();
  // A day back, so a clock a little behind still accepts a fresh certificate.
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  const end = new Date(now.getTime());
  end.setFullYear(end.getFullYear() + years);
  cert.validity.notAfter = end;
}

function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

function makeCa(): { key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate } {
  const keys = newKeys();
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = newSerial();
  validity(cert, CA_YEARS);
  const attrs = [{ name: "commonName", value: "Appliance Firmware Kit Dev CA" }, { name: "organizationName", value: ORG }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, md.sha256.create());
  return { key: keys.privateKey, cert };
}

function makeLeaf(
  ca: { key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate },
  cn: string,
  role: "server" | "client",
): KeyAndCert {
  const keys = newKeys();
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = newSerial();
  validity(cert, LEAF_YEARS);
  cert.setSubject([{ name: "commonName", value: cn }, { name: "organizationName", value: ORG }]);
  cert.setIssuer(ca.cert.subject.attributes);
  const exts: object[] = [
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    role === "server" ? { name: "extKeyUsage", serverAuth: true } : { name: "extKeyUsage", clientAuth: true },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ];
  if (role === "server") {
    exts.push({ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] });
  }
  cert.setExtensions(exts);
  cert.sign(ca.key, md.sha256.create());
  return { cert: pki.certificateToPem(cert), key: pki.privateKeyToPem(keys.privateKey) };
}

/** Whether `pair` is a usable leaf of `caCert`: parses, signed by it, key matches, and
 *  not expiring within a day. */
function validLeaf(caCert: forge.pki.Certificate, pair: KeyAndCert): boolean {
  if (pair.key.includes("BEGIN PRIVATE KEY")) return validEcLeaf(pki.certificateToPem(caCert), pair);
  try {
    const cert = pki.certificateFromPem(pair.cert);
    const key = pki.privateKeyFromPem(pair.key) as forge.pki.rsa.PrivateKey;
    if (!caCert.verify(cert)) return false;
    const pub = cert.publicKey as forge.pki.rsa.PublicKey;
    if (pub.n.compareTo(key.n) !== 0) return false;
    return cert.validity.notAfter.getTime() > Date.now() + 24 * 3600 * 1000;
  } catch {
    return false;
  }
}

/** The same checks for a PKCS#8 (EC) leaf, which forge cannot read. */
function validEcLeaf(caPem: string, pair: KeyAndCert): boolean {
  try {
    const cert = new X509Certificate(pair.cert);
    if (!cert.verify(new X509Certificate(caPem).publicKey)) return false;
    if (!cert.checkPrivateKey(createPrivateKey(pair.key))) return false;
    return new Date(cert.validTo).getTime() > Date.now() + 24 * 3600 * 1000;
  } catch {
    return false;
  }
}

const der = (a: forge.asn1.Asn1): string => forge.asn1.toDer(a).getBytes();

/** A client leaf for an ECDSA P-256 key. forge cannot hold an EC key in a certificate, so
 *  it builds the TBSCertificate around a placeholder key, the placeholder's
 *  SubjectPublicKeyInfo (and key identifier) is swapped for the EC one, and the CA's RSA
 *  key signs the result. */
function makeEcLeaf(ca: { key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate }, cn: string): KeyAndCert {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = forge.asn1.fromDer(forge.util.createBuffer(publicKey.export({ type: "spki", format: "der" }).toString("binary")));
  // SubjectPublicKeyInfo = SEQUENCE { algorithm, BIT STRING }; the key id is SHA-1 of the
  // key bits (RFC 5280 4.2.1.2 method 1), the BIT STRING's leading unused-bits byte left out.
  const bits = (spki.value as forge.asn1.Asn1[])[1].value as string;
  const keyId = createHash("sha1").update(Buffer.from(bits.slice(1), "binary")).digest("binary");

  const cert = pki.createCertificate();
  cert.publicKey = ca.cert.publicKey; // placeholder, replaced below
  cert.serialNumber = newSerial();
  validity(cert, LEAF_YEARS);
  cert.setSubject([{ name: "commonName", value: cn }, { name: "organizationName", value: ORG }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, critical: true },
    { name: "extKeyUsage", clientAuth: true },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  const ski = cert.extensions.find((e: { name: string }) => e.name === "subjectKeyIdentifier");
  ski.value = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OCTETSTRING, false, keyId);
  cert.siginfo.algorithmOid = pki.oids.sha256WithRSAEncryption;
  const tbs = pki.getTBSCertificate(cert);
  // TBSCertificate: version, serial, signature, issuer, validity, subject, SPKI, extensions
  (tbs.value as forge.asn1.Asn1[])[6] = spki;
  const signature = ca.key.sign(md.sha256.create().update(der(tbs)));
  const { asn1 } = forge;
  const certAsn1 = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(pki.oids.sha256WithRSAEncryption).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, "\x00" + signature),
  ]);
  const pem = forge.pem.encode({ type: "CERTIFICATE", body: der(certAsn1) }, { maxline: 64 });
  return { cert: pem, key: privateKey.export({ type: "pkcs8", format: "pem" }) as string };
}

function readPair(keyPath: string, certPath: string): KeyAndCert | null {
  if (!existsSync(keyPath) || !existsSync(certPath)) return null;
  return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
}

/** Loads the PKI from `dir`, creating what is missing (or no longer valid). A server or
 *  client certificate not signed by the CA on disk is remade. */
export function loadOrCreatePki(dir: string): Pki {
  mkdirSync(join(dir, "clients"), { recursive: true });
  const caKeyPath = join(dir, "ca.key.pem"), caCertPath = join(dir, "ca.cert.pem");

  let ca: { key: forge.pki.rsa.PrivateKey; cert: forge.pki.Certificate } | null = null;
  const caPair = readPair(caKeyPath, caCertPath);
  if (caPair) {
    try {
      const cert = pki.certificateFromPem(caPair.cert);
      const key = pki.privateKeyFromPem(caPair.key) as forge.pki.rsa.PrivateKey;
      if (cert.verify(cert) && cert.validity.notAfter.getTime() > Date.now() + 24 * 3600 * 1000) ca = { key, cert };
    } catch { /* remade below */ }
  }
  if (!ca) {
    ca = makeCa();
    writeAtomic(caKeyPath, pki.privateKeyToPem(ca.key), 0o600);
    writeAtomic(caCertPath, pki.certificateToPem(ca.cert), 0o644);
  }
  const caRef = ca;
  const caPem = readFileSync(caCertPath, "utf8");

  function leaf(keyPath: string, certPath: string, cn: string, role: "server" | "client"): KeyAndCert {
    const have = readPair(keyPath, certPath);
    if (have && validLeaf(caRef.cert, have)) return have;
    const made = makeLeaf(caRef, cn, role);
    writeAtomic(keyPath, made.key, 0o600);
    writeAtomic(certPath, made.cert, 0o644);
    return made;
  }

  function checkName(name: string): void {
    if (!NAME_RE.test(name)) throw new Error(`clientCert: bad name ${JSON.stringify(name)} (letters, digits, . _ -; at most 64)`);
  }

  const server = leaf(join(dir, "server.key.pem"), join(dir, "server.cert.pem"), "localhost", "server");
  const clients = new Map<string, KeyAndCert>();

  return {
    dir,
    ca: caPem,
    server,
    clientCert(name: string): KeyAndCert {
      checkName(name);
      let pair = clients.get(name);
      if (!pair) {
        pair = leaf(join(dir, "clients", `${name}.key.pem`), join(dir, "clients", `${name}.cert.pem`), name, "client");
        clients.set(name, pair);
      }
      return pair;
    },
    issueDevice(serial: string): KeyAndCert {
      checkName(serial);
      return makeEcLeaf(caRef, serial);
    },
    deviceIdentity(idDir: string, serial: string): KeyAndCert {
      checkName(serial);
      mkdirSync(idDir, { recursive: true });
      const keyPath = join(idDir, "device.key.pem"), certPath = join(idDir, "device.cert.pem");
      const have = readPair(keyPath, certPath);
      if (have && validEcLeaf(caPem, have) && new X509Certificate(have.cert).subject.split("\n").includes(`CN=${serial}`)) return have;
      const made = makeEcLeaf(caRef, serial);
      writeAtomic(keyPath, made.key, 0o600);
      writeAtomic(certPath, made.cert, 0o644);
      return made;
    },
  };
}

/** Paths of the PEM files, for programs that take files (mosquitto). */
export function pkiPaths(dir: string) {
  return {
    ca: join(dir, "ca.cert.pem"),
    serverCert: join(dir, "server.cert.pem"),
    serverKey: join(dir, "server.key.pem"),
    clientCert: (name: string) => join(dir, "clients", `${name}.cert.pem`),
    clientKey: (name: string) => join(dir, "clients", `${name}.key.pem`),
  };
}
