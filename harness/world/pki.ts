// The world's PKI: certificates made fresh for every world, on RSA keys the run's worlds share.
// node-forge builds the X.509 structures; Node's native crypto makes the RSA keys and the
// signatures (forge's pure-JS RSA costs ~200 ms per key and ~30 ms per signature here).
// RSA is what the NCCoE lab used, and node-forge is RSA-only.
import { createPrivateKey, generateKeyPair, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import forge from "node-forge";

export interface Issued {
  keyPem: string;
  certPem: string;
  /** The chain the server sends after its own certificate (intermediates, then the root if asked). */
  chainPems: string[];
}

export interface CertOptions {
  commonName: string;
  dnsNames?: string[];
  notBefore?: Date;
  notAfter?: Date;
  ca?: boolean;
}

export function newRsaKeyPem(bits = 2048): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/** A fresh RSA-2048 key, made on libuv's thread pool. */
function newRsaKey(): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    generateKeyPair("rsa", { modulusLength: 2048 }, (err, _pub, priv) =>
      err ? reject(err) : resolve(priv.export({ type: "pkcs8", format: "pem" }).toString()),
    ),
  );
}

/** The run's RSA keys: making one costs ~0.25 s of a core here, and each world needs several, so
 *  the worlds of a run (this process) share them; each world still makes its own certificates. */
const rsaPool: Promise<string>[] = [];

/** The first `n` keys of the run's pool, the missing ones made concurrently. */
export function pooledRsaKeys(n: number): Promise<string[]> {
  while (rsaPool.length < n) {
    const key = newRsaKey();
    rsaPool.push(key);
    key.catch(() => rsaPool.splice(rsaPool.indexOf(key), 1)); // a failure is not kept for the next world
  }
  return Promise.all(rsaPool.slice(0, n));
}

/** Sign the TBSCertificate natively (sha256WithRSAEncryption), as forge's cert.sign() would. */
function signNatively(cert: forge.pki.Certificate, signerKeyPem: string): void {
  const oid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  const pki = forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  const tbs = pki.getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary");
  cert.signature = sign("sha256", der, keyObjectOf(signerKeyPem)).toString("binary");
}

/** 16 random octets, the first in 0x40-0x7f: positive, and with no leading zero octet. A serial
 *  that began 00 00 left forge's DER with a leading zero that OpenSSL rejects ("illegal padding"). */
export function certSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x40;
  return b.toString("hex");
}

// Parsing PEM is slow (forge's most of all); the world's few keys and CA certificates are parsed once.
const keyObjects = new Map<string, KeyObject>();
const keyObjectOf = (pem: string) => {
  let k = keyObjects.get(pem);
  if (!k) keyObjects.set(pem, (k = createPrivateKey(pem)));
  return k;
};
const parsedKeys = new Map<string, forge.pki.rsa.PrivateKey>();
const parsedCerts = new Map<string, forge.pki.Certificate>();
const keyOf = (pem: string) => {
  let k = parsedKeys.get(pem);
  if (!k) parsedKeys.set(pem, (k = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey));
  return k;
};
const certOf = (pem: string) => {
  let c = parsedCerts.get(pem);
  if (!c) parsedCerts.set(pem, (c = forge.pki.certificateFromPem(pem)));
  return c;
};

function build(opts: CertOptions, keyPem: string, issuer?: { keyPem: string; certPem: string }): string {
  const key = keyOf(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = certSerial();
  const now = Date.now();
  cert.validity.notBefore = opts.notBefore ?? new Date(now - 3600_000);
  cert.validity.notAfter = opts.notAfter ?? new Date(now + 30 * 86400_000);
  cert.setSubject([{ name: "commonName", value: opts.commonName }]);
  const issuerCert = issuer ? certOf(issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : [{ name: "commonName", value: opts.commonName }]);
  const ext: object[] = opts.ca
    ? [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        { name: "subjectKeyIdentifier" },
      ]
    : [
        { name: "basicConstraints", cA: false, critical: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true, clientAuth: true },
        { name: "subjectAltName", altNames: (opts.dnsNames ?? [opts.commonName]).map((value) => ({ type: 2, value })) },
        { name: "subjectKeyIdentifier" },
      ];
  if (issuerCert) {
    const ski = issuerCert.getExtension("subjectKeyIdentifier") as { subjectKeyIdentifier?: string } | null;
    if (ski?.subjectKeyIdentifier)
      ext.push({ name: "authorityKeyIdentifier", keyIdentifier: forge.util.hexToBytes(ski.subjectKeyIdentifier) });
  }
  cert.setExtensions(ext);
  signNatively(cert, issuer ? issuer.keyPem : keyPem);
  return forge.pki.certificateToPem(cert);
}

export function selfSignedCertificate(opts: CertOptions, keyPem = newRsaKeyPem()): Issued {
  return { keyPem, certPem: build(opts, keyPem), chainPems: [] };
}

/** A local CA: a self-signed root and an intermediate that issues the leaves. */
export interface LocalCa {
  root: Issued;
  intermediate: Issued;
}

export function localCa(name: string, rootKeyPem = newRsaKeyPem(), intKey = newRsaKeyPem()): LocalCa {
  const root = selfSignedCertificate(
    { commonName: `${name} Root CA`, ca: true, notAfter: new Date(Date.now() + 365 * 86400_000) },
    rootKeyPem,
  );
  const intermediate: Issued = {
    keyPem: intKey,
    certPem: build({ commonName: `${name} Issuing CA`, ca: true }, intKey, root),
    chainPems: [root.certPem],
  };
  return { root, intermediate };
}

/** A leaf issued by the CA's intermediate. The chain sent holds the intermediate and the root
 *  (RFC 7671 §5.2.2: a DANE-TA(2) server should include the trust anchor certificate). */
export function issueLeaf(ca: LocalCa, opts: CertOptions, keyPem = newRsaKeyPem()): Issued {
  return {
    keyPem,
    certPem: build(opts, keyPem, ca.intermediate),
    chainPems: [ca.intermediate.certPem, ca.root.certPem],
  };
}
