// Where the S/MIME cases' SMIMEA records go (RFC 8162). Pure, given the users' certificates.
//   - the sender's RRset, at <hash>._smimecert.<label>.lab.test: in the lab zone when "signed";
//     otherwise in the child zone <label>.lab.test, unsigned and without DS ("unsigned": insecure)
//     or signed with the SMIMEA signature altered ("bogus");
//   - the recipient's whole certificate (3 0 0), at <hash>._smimecert.<mail domain>: in the
//     remote zone, or in the child zone _smimecert.<mail domain>, signed then altered ("bogus").
// A child's delegation is in its parent's lines; its DS follows when sign-tree signs it.
import type { CasePlan, WorldPlan } from "../plan/plan.ts";
import type { SmimeaZone } from "../schema/smime.ts";
import { smimeaOwnerForAddress } from "../smime/smimea-owner.ts";
import { smimeaPresentation } from "../smime/smimea-record.ts";
import type { CaseZone } from "./case-zones.ts";
import { recipientSmimea, senderSmimea, smimeSenderDomain, type SmimeCaseUsers } from "./smime-users.ts";
import type { CaseSubtree } from "./world-files.ts";

const TTL = 300;

export interface SmimeZones {
  lab: string[];
  remote: string[];
  labChildren: CaseSubtree[];
  remoteChildren: CaseSubtree[];
}

/** The child zone (if any) that holds an SMIMEA RRset of a case, by where the case puts it. */
function childZoneName(cp: CasePlan, side: "sender" | "recipient", where: SmimeaZone): string | undefined {
  if (where === "signed") return undefined;
  return side === "sender" ? smimeSenderDomain(cp) : `_smimecert.${cp.domain}`;
}

/** The zones the lab and remote authorities serve for the S/MIME cases. Pure, from the plan. */
export function smimeServedZones(w: WorldPlan): { lab: string[]; remote: string[] } {
  const lab: string[] = [];
  const remote: string[] = [];
  for (const cp of w.cases.filter((c) => c.case.smime)) {
    const s = cp.case.smime!;
    const z = childZoneName(cp, "sender", s.zone);
    if (z) lab.push(z);
    const r = s.encrypt && childZoneName(cp, "recipient", s.encrypt.recipientZone);
    if (r) remote.push(r);
  }
  return { lab, remote };
}

function child(zone: string, nsHost: string, records: string[], where: SmimeaZone, serial: number): CaseZone {
  return {
    zone,
    text: [
      `$ORIGIN ${zone}.`,
      `$TTL ${TTL}`,
      `${zone}. ${TTL} IN SOA ${nsHost}. hostmaster.${nsHost}. ${serial} 300 60 86400 60`,
      `${zone}. ${TTL} IN NS ${nsHost}.`,
      ...records,
      "",
    ].join("\n"),
    signed: where === "bogus",
    ...(where === "bogus" ? { fault: "smimea-bad-rrsig" as const } : {}),
    served: "served",
    children: [],
  };
}

export function smimeZones(w: WorldPlan, users: Map<string, SmimeCaseUsers>, serial: number): SmimeZones {
  const out: SmimeZones = { lab: [], remote: [], labChildren: [], remoteChildren: [] };
  for (const cp of w.cases.filter((c) => c.case.smime)) {
    const s = cp.case.smime!;
    const u = users.get(cp.case.id);
    if (!u) throw new Error(`${cp.case.id}: no S/MIME users`);
    const place = (side: "sender" | "recipient", where: SmimeaZone, lines: string[]) => {
      const zone = childZoneName(cp, side, where);
      const site =
        side === "sender"
          ? { lines: out.lab, kids: out.labChildren, ns: w.lab.authorityHost }
          : { lines: out.remote, kids: out.remoteChildren, ns: w.remote.authorityHost };
      site.lines.push(`; case ${cp.case.id}: the ${side}'s SMIMEA (${where})`);
      if (!zone) return void site.lines.push(...lines);
      site.lines.push(`${zone}. ${TTL} IN NS ${site.ns}.`);
      site.kids.push({ caseId: cp.case.id, mxHost: "", top: child(zone, site.ns, lines, where, serial) });
    };
    const senderOwner = smimeaOwnerForAddress(u.senderAddress);
    place(
      "sender",
      s.zone,
      senderSmimea(u, s.smimea).map((r) => smimeaPresentation(senderOwner, r, TTL)),
    );
    if (s.encrypt) {
      const owner = smimeaOwnerForAddress(u.recipientAddress);
      place(
        "recipient",
        s.encrypt.recipientZone,
        recipientSmimea(u).map((r) => smimeaPresentation(owner, r, TTL)),
      );
    }
  }
  return out;
}
