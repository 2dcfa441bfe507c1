// The receiver side of a world's PKI: a local CA (root + intermediate), an unrelated CA, and for
// every case the certificate its receiver address presents, plus the TLSA records made from the
// real certificates. Keys come from the run's small pool (pki.ts); within a case, the presented
// and the spare certificate never share a key.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CasePlan, WorldPlan } from "../plan/plan.ts";
import type { TlsaSource } from "../schema/scenario.ts";
import { issueLeaf, localCa, pooledRsaKeys, selfSignedCertificate, type Issued, type LocalCa } from "./pki.ts";
import { tlsaFor, type TlsaRdata } from "./tlsa.ts";
import { makeSmimeUsers, type SmimeCaseUsers } from "./smime-users.ts";
import { caseNames } from "./case-zones.ts";

export interface CaseEndpoint {
  ip: string;
  pemFile: string; // key, certificate, then chain: what smtpd_tls_chain_files takes
  presented: Issued;
}

export interface WorldPki {
  caFile: string; // the local CA root, for senders' PKIX trust store (as the NCCoE lab trusted it)
  localCa: LocalCa;
  otherCa: LocalCa;
  defaultPemFile: string; // for the receiver's own host name
  endpoints: Map<string, CaseEndpoint>; // by case id
  tlsa: Map<string, TlsaRdata[]>; // by case id
  certPems: Map<string, string>; // by case id: the presented certificate, for evidence
  smime: Map<string, SmimeCaseUsers>; // by case id: the S/MIME users of the cases with `smime`
  attackerKey: Promise<string>; // for the on-path attacker's certificates: no other certificate has it
}

const LEAF_KEYS = 4;
/** Where the world's keys sit in the run's RSA key pool (pki.ts): each CA's root and intermediate,
 *  the leaves' (the S/MIME users' too), and the on-path attacker's, which no certificate of the
 *  world's own has. */
const KEYS = { ca: 0, otherCa: 2, leaf: 4, attacker: 4 + LEAF_KEYS, count: 5 + LEAF_KEYS };

/** Where the PKI's files go: known before the keys exist, so bring-up need not wait for them. */
export function pkiPaths(w: WorldPlan, dir: string) {
  return {
    caFile: join(dir, "local-ca-root.pem"),
    defaultPemFile: join(dir, "receiver-host.pem"),
    // The lab MTAs' submission port (587): key and certificate, and the certificate alone,
    // which the lab's mail client pins.
    submissionPemFile: join(dir, "lab-submission.pem"),
    submissionCertFile: join(dir, "lab-submission-cert.pem"),
    // Behind an attacker, the real receiver listens on the case's shadow address. `names`: the
    // names a sender may ask for in SNI to reach it (the MX host, and its CNAME target).
    endpoints: w.cases.flatMap((c, i) => [
      {
        ip: c.upstreamIp ?? c.endpointIp,
        pemFile: join(dir, `case-${i}.pem`),
        names: [...new Set([c.mxHost, caseNames(c).canonical])],
      },
      ...(c.backupIp && c.backupMxHost
        ? [{ ip: c.backupIp, pemFile: join(dir, `case-${i}-backup.pem`), names: [c.backupMxHost] }]
        : []),
    ]),
  };
}

function issue(kind: string, ca: LocalCa, other: LocalCa, names: string[], key: string, expired: boolean): Issued {
  const opts = {
    commonName: names[0]!,
    dnsNames: names,
    ...(expired
      ? { notBefore: new Date(Date.now() - 60 * 86400_000), notAfter: new Date(Date.now() - 86400_000) }
      : {}),
  };
  if (kind === "self-signed") return selfSignedCertificate(opts, key);
  return issueLeaf(kind === "other-ca" ? other : ca, opts, key);
}

function sourcePem(of: TlsaSource, presented: Issued, spare: Issued, ca: LocalCa, other: LocalCa): string {
  switch (of) {
    case "presented":
      return presented.certPem;
    case "spare":
      return spare.certPem;
    case "ta":
      return ca.root.certPem;
    case "intermediate":
      return ca.intermediate.certPem;
    case "other-ca":
      return other.root.certPem;
  }
}

export async function makeWorldPki(w: WorldPlan, dir: string): Promise<WorldPki> {
  mkdirSync(dir, { recursive: true });
  const keys = await pooledRsaKeys(KEYS.attacker);
  // The attacker's key is made after the others and not waited for: only the attacker needs it.
  const attackerKey = pooledRsaKeys(KEYS.count).then((k) => k[KEYS.attacker]!);
  attackerKey.catch(() => undefined); // awaited by the attacker
  const ca = localCa("Remote Site Local", keys[KEYS.ca], keys[KEYS.ca + 1]);
  const other = localCa("Unrelated", keys[KEYS.otherCa], keys[KEYS.otherCa + 1]);
  const leafKeys = keys.slice(KEYS.leaf, KEYS.leaf + LEAF_KEYS);
  const leafKey = (i: number) => leafKeys[i % LEAF_KEYS]!;
  const paths = pkiPaths(w, dir);
  const caFile = paths.caFile;
  writeFileSync(caFile, ca.root.certPem);
  const write = (f: string, it: Issued) => {
    writeFileSync(f, [it.keyPem, it.certPem, ...it.chainPems].join(""), { mode: 0o600 });
    return f;
  };
  const host = selfSignedCertificate({ commonName: w.remote.mtaHost }, leafKey(0));
  const labHosts = [...new Set(w.senders.map((s) => s.host))];
  const submission = selfSignedCertificate(
    { commonName: labHosts[0] ?? w.lab.mtaHost, dnsNames: labHosts },
    leafKey(1),
  );
  write(paths.submissionPemFile, submission);
  writeFileSync(paths.submissionCertFile, submission.certPem);
  const pki: WorldPki = {
    caFile,
    localCa: ca,
    otherCa: other,
    defaultPemFile: write(paths.defaultPemFile, host),
    endpoints: new Map(),
    tlsa: new Map(),
    certPems: new Map(),
    smime: await makeSmimeUsers(w, ca, leafKeys),
    attackerKey,
  };
  w.cases.forEach((cp: CasePlan, i) => {
    const c = cp.case;
    const kind = c.present?.kind ?? cp.receiverCertificate;
    const names = c.present?.name === "mismatch" ? [`not-${cp.mxHost}`] : [cp.mxHost];
    const issued = issue(kind, ca, other, names, leafKey(2 * i), c.present?.validity === "expired");
    // A chain without its trust anchor: the leaf and the intermediate only.
    const presented =
      c.present?.chain === "without-ta" ? { ...issued, chainPems: issued.chainPems.slice(0, -1) } : issued;
    // A spare certificate only where a record is made from one (the rollover and mismatch cases).
    const spare = c.tlsa.some((t) => t.of === "spare")
      ? issue(kind, ca, other, names, leafKey(2 * i + 1), false)
      : presented;
    if (c.backupMx && cp.backupMxHost) {
      // The backup MX: its own certificate (its own key) and its own TLSA RRset.
      const backup = issue(kind, ca, other, [cp.backupMxHost], leafKey(2 * i + 1), false);
      write(join(dir, `case-${i}-backup.pem`), backup);
      pki.tlsa.set(
        `${c.id}#backup`,
        c.backupMx.tlsa.map((spec) => {
          const of = spec.of ?? (spec.usage === 0 || spec.usage === 2 ? "ta" : "presented");
          return tlsaFor(sourcePem(of, backup, spare, ca, other), spec);
        }),
      );
    }
    pki.endpoints.set(c.id, {
      ip: cp.upstreamIp ?? cp.endpointIp,
      pemFile: write(join(dir, `case-${i}.pem`), presented),
      presented,
    });
    pki.certPems.set(c.id, [presented.certPem, ...presented.chainPems].join(""));
    const records = (specs: typeof c.tlsa) =>
      specs.map((spec) => {
        const of = spec.of ?? (spec.usage === 0 || spec.usage === 2 ? "ta" : "presented");
        return tlsaFor(sourcePem(of, presented, spare, ca, other), spec);
      });
    pki.tlsa.set(c.id, records(c.tlsa));
    // With an MX alias: a second RRset at the alias itself (the original name).
    if (c.cname?.originalTlsa) pki.tlsa.set(`${c.id}#original`, records(c.cname.originalTlsa));
  });
  return pki;
}
