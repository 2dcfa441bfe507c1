// Is a TCP port listening inside a network namespace? /proc/<pid>/net/tcp lists the sockets of
// the namespace that process lives in, so a daemon's own pid answers without spawning `ss`
// (each spawn from the harness costs tens of ms of a busy core during bring-up).
import { readFileSync, readlinkSync } from "node:fs";

/** "0100007F:0019" -> { ip: "127.0.0.1", port: 25 } (IPv4, as the kernel prints it: little-endian). */
export function parseV4(hexAddr: string): { ip: string; port: number } {
  const [h, p] = hexAddr.split(":");
  if (!h || !p || h.length !== 8) throw new Error(`not an IPv4 /proc/net address: ${hexAddr}`);
  const bytes = [6, 4, 2, 0].map((i) => parseInt(h.slice(i, i + 2), 16));
  return { ip: bytes.join("."), port: parseInt(p, 16) };
}

const LISTEN = "0A";

/** The local IPv4 address of every socket in a /proc/net/tcp or /proc/net/udp text, in the
 *  given state only when one is given. */
function socketsIn(procNet: string, state?: string): { ip: string; port: number }[] {
  return procNet
    .split("\n")
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 3 && (state === undefined || f[3] === state))
    .map((f) => parseV4(f[1]!));
}

/** The IPv4 listeners in a /proc/net/tcp text. */
export const listenersIn = (procNetTcp: string) => socketsIn(procNetTcp, LISTEN);

/** How long one reading of a namespace's listeners answers for every daemon polling in it: the
 *  daemons of a host are polled at once, and each read of /proc/net/tcp walks every socket of the
 *  namespace (hundreds, on the receiver's host), which cost seconds of the harness's core a world. */
export const FRESH_MS = 20;
const recent = new Map<string, { at: number; listeners: Set<string> }>();

/** True when a socket listens on exactly host:port in pid's namespace (as read at most FRESH_MS
 *  ago). A wildcard listener does not count (as with `ss src`): until `ip netns exec` has entered
 *  the namespace, the pid shows the machine's own sockets, and those must never look like a daemon
 *  of the world. */
export function listeningIn(pid: number, host: string, port: number): boolean {
  const nsOf = () => {
    try {
      return readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      return undefined; // the process is gone; its liveness check says why
    }
  };
  const ns = nsOf();
  if (ns === undefined) return false;
  let seen = recent.get(ns);
  if (!seen || performance.now() - seen.at > FRESH_MS) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/tcp`, "utf8");
    } catch {
      return false;
    }
    if (nsOf() !== ns) return false; // it moved to its namespace meanwhile: ask again
    seen = { at: performance.now(), listeners: new Set(listenersIn(text).map((l) => `${l.ip}:${l.port}`)) };
    if (recent.size > 64) recent.clear();
    recent.set(ns, seen);
  }
  return seen.listeners.has(`${host}:${port}`);
}

/** True when pid's namespace has a UDP socket bound to host:port, or to the wildcard address on
 *  that port: a DNS server can be asked, not yet that it answers. A gate before a `dig` (two
 *  process starts) while the daemon is still starting; the answer itself decides readiness. */
export function udpBoundIn(pid: number, host: string, port: number): boolean {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/net/udp`, "utf8");
  } catch {
    return false;
  }
  return socketsIn(text).some((s) => s.port === port && (s.ip === host || s.ip === "0.0.0.0"));
}
