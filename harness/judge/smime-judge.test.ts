import { describe, expect, it } from "vitest";
import { judge } from "./judge.ts";
import { smimeMismatch } from "./smime-judge.ts";
import type { SmimeObservation } from "../observe/smime-observation.ts";
import type { Observation } from "../observe/observation.ts";

const verified: SmimeObservation = {
  signature: "valid",
  trust: "dane",
  reason: "SMIMEA 3 1 1 matches",
  verifiers: [
    { verifier: "openssl cms", verdict: "valid", reason: "" },
    { verifier: "gpgsm", verdict: "unsupported", reason: "no way to trust a leaf" },
  ],
};

describe("S/MIME judge", () => {
  it("accepts what fits, ignoring an unsupported verifier", () => {
    expect(smimeMismatch({ signature: "valid", trust: ["dane"] }, verified)).toBeUndefined();
  });

  it("fails when the client's trust differs", () => {
    expect(smimeMismatch({ signature: "valid", trust: ["none"] }, verified)).toMatch(/trust dane/);
  });

  it("fails when a verifier calls valid what must not be trusted", () => {
    const o = { ...verified, trust: "none" as const };
    expect(smimeMismatch({ trust: ["none"] }, o)).toMatch(/openssl cms says valid/);
  });

  it("fails when a verifier rejects what must verify", () => {
    const o = {
      ...verified,
      verifiers: [{ verifier: "nss cmsutil", verdict: "invalid" as const, reason: "bad digest" }],
    };
    expect(smimeMismatch({ signature: "valid", trust: ["dane"] }, o)).toMatch(/nss cmsutil says invalid/);
  });

  it("tells refusal apart", () => {
    const refused: SmimeObservation = { refused: "recipient SMIMEA bogus", reason: "", verifiers: [] };
    expect(smimeMismatch({ refused: true }, refused)).toBeUndefined();
    expect(smimeMismatch({ signature: "valid" }, refused)).toMatch(/refused/);
    expect(smimeMismatch({ refused: true }, verified)).toMatch(/did not refuse/);
  });

  it("is part of the cell's verdict, with the reason in words", () => {
    const o: Observation = {
      delivery: "delivered",
      tls: "verified",
      cleartext: false,
      reason: "",
      inMailbox: true,
      evidence: [],
      smime: { ...verified, trust: "ca" },
    };
    const e = {
      rule: "RFC 8162 §6",
      accept: [{ delivery: "delivered" as const, smime: { trust: ["dane" as const] } }],
    };
    const v = judge(e, { kind: "observed", observation: o });
    expect(v.outcome).toBe("fail");
    expect(v.reason).toMatch(/trust ca/);
    expect(judge(e, { kind: "observed", observation: { ...o, smime: verified } }).outcome).toBe("pass");
  });
});
