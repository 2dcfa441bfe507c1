import { describe, expect, it } from "vitest";
import type { Expectation } from "../schema/scenario.ts";
import type { Observation } from "../observe/observation.ts";
import { judge } from "./judge.ts";

const verified: Expectation = {
  rule: "RFC 7672 §3.1.1",
  accept: [{ delivery: "delivered", tls: ["verified"], cleartext: false }],
};
const withheld: Expectation = {
  rule: "RFC 7672 §2.2",
  accept: [{ delivery: "withheld", tls: ["verification-failed"], cleartext: false }],
};
const neverCleartext: Expectation = {
  rule: "RFC 7672 §3.1.3",
  accept: [
    { delivery: "delivered", tls: ["verified", "trusted", "untrusted", "anonymous"], cleartext: false },
    { delivery: "withheld", cleartext: false },
  ],
};

function obs(o: Partial<Observation>): Observation {
  return { delivery: "delivered", tls: "verified", cleartext: false, reason: "", inMailbox: true, evidence: [], ...o };
}

describe("judge", () => {
  it("passes a verified delivery that was expected", () => {
    expect(judge(verified, { kind: "observed", observation: obs({}) }).outcome).toBe("pass");
  });

  it("fails an unauthenticated delivery where verification was expected, saying what it saw", () => {
    const v = judge(verified, { kind: "observed", observation: obs({ tls: "untrusted" }) });
    expect(v.outcome).toBe("fail");
    expect(v.reason).toContain("TLS untrusted");
    expect(v.reason).toContain("RFC 7672 §3.1.1");
  });

  it("fails a cleartext delivery where the message had to be withheld", () => {
    const v = judge(withheld, { kind: "observed", observation: obs({ tls: "none", cleartext: true }) });
    expect(v.outcome).toBe("fail");
    expect(v.reason).toContain("CLEARTEXT");
  });

  it("passes a withheld message with a verification failure", () => {
    const o = obs({
      delivery: "withheld",
      tls: "verification-failed",
      inMailbox: false,
      reason: "Server certificate not verified",
    });
    expect(judge(withheld, { kind: "observed", observation: o }).outcome).toBe("pass");
  });

  it("fails a withheld message withheld for another reason than verification", () => {
    const o = obs({ delivery: "withheld", tls: "unknown", inMailbox: false, reason: "connect timeout" });
    expect(judge(withheld, { kind: "observed", observation: o }).outcome).toBe("fail");
  });

  it("accepts any member of a set of acceptable observations and records which", () => {
    const v = judge(neverCleartext, { kind: "observed", observation: obs({ tls: "untrusted" }) });
    expect(v.outcome).toBe("pass");
    expect(v.matched?.delivery).toBe("delivered");
    const w = judge(neverCleartext, {
      kind: "observed",
      observation: obs({ delivery: "withheld", tls: "verification-failed" }),
    });
    expect(w.matched?.delivery).toBe("withheld");
  });

  it("is an error, never a pass, when no final outcome was seen", () => {
    expect(
      judge(verified, { kind: "observed", observation: obs({ delivery: "unknown", tls: "unknown" }) }).outcome,
    ).toBe("error");
  });

  it("is an error when cleartext could not be observed but the expectation needs it", () => {
    expect(judge(verified, { kind: "observed", observation: obs({ cleartext: "unknown" }) }).outcome).toBe("error");
  });

  it("checks which MX host took the message when the expectation says", () => {
    const viaBackup: Expectation = {
      rule: "RFC 7672 §2.2.1",
      accept: [{ delivery: "delivered", via: "backup", tls: ["verified"] }],
    };
    expect(
      judge(viaBackup, { kind: "observed", observation: obs({ relay: "mx2.a.remote.test[198.51.100.2]:25" }) }).outcome,
    ).toBe("pass");
    expect(
      judge(viaBackup, { kind: "observed", observation: obs({ relay: "mx.a.remote.test[198.51.100.1]:25" }) }).outcome,
    ).toBe("fail");
  });

  it("passes through error, unsupported and skipped with their reasons", () => {
    expect(judge(verified, { kind: "error", message: "daemon died" })).toEqual({
      outcome: "error",
      reason: "daemon died",
    });
    expect(judge(verified, { kind: "unsupported", message: "no CU=0" }).outcome).toBe("unsupported");
    expect(judge(verified, { kind: "skipped", message: "filtered" }).outcome).toBe("skipped");
  });
});
