// Everything a run makes in the kernel carries the prefix "nc-<runId>-", so a later run can find
// and remove what a killed run left behind. Interface names must fit in 15 characters.
import { randomBytes } from "node:crypto";

export const PREFIX = "nc-";

export function newRunId(): string {
  return randomBytes(3).toString("hex");
}

export function nsName(runId: string, host: string): string {
  return `${PREFIX}${runId}-${host}`;
}

export function runIdOf(ns: string): string | undefined {
  return /^nc-([0-9a-f]{6})-/.exec(ns)?.[1];
}

/** The hub-side end of a host's veth, e.g. "nc1a2b3c-3". */
export function hubVethName(runId: string, index: number): string {
  const name = `nc${runId}-${index}`;
  if (name.length > 15) throw new Error(`interface name too long: ${name}`);
  return name;
}
