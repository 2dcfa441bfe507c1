// The packet capture of a world's SMTP hops: tcpdump on every interface where it runs (-i any),
// filtered to the receiver and the case addresses, writing the run folder's smtp-hop.pcap.
// netns runs it in the hub namespace (every bridge port; a bridge device itself does not see
// forwarded frames); docker runs it on the machine, where every container's veth has its outer
// end. Either way it sees the sender-to-receiver and sender-to-attacker hops and the canary.
// Making its ring takes tcpdump ~2 s of a core here, so bring-up goes on meanwhile: the caller
// awaits `listening` once the daemons are up, before any mail is sent.
import { join } from "node:path";
import { smtpHopFilter } from "../observe/capture.ts";
import { Daemon } from "./daemon.ts";
import { fileContains, waitFor } from "./probes.ts";

/** Start the capture as the world's `capture`, among its daemons (so teardown stops it). */
export async function startSmtpCapture(
  world: { capture?: { daemon: Daemon; file: string }; daemons: Daemon[] },
  opts: {
    name: string;
    /** The network namespace; absent: the machine's own. */
    ns?: string;
    receiverIp: string;
    dir: string;
    cwd: string;
  },
): Promise<{ daemon: Daemon; file: string; listening: Promise<void> }> {
  const file = join(opts.dir, "smtp-hop.pcap");
  const log = join(opts.dir, "tcpdump.log");
  const daemon = await Daemon.start({
    name: opts.name,
    ns: opts.ns,
    argv: [
      "tcpdump",
      "-i",
      "any",
      "-n",
      // Every packet reaches tcpdump at once (a packet still in a ring block when tcpdump stops
      // would be lost: the canary showed it), but the file is written in buffers, not a write()
      // per packet (some 16 000 a world): it is read only once tcpdump has stopped and flushed.
      "--immediate-mode",
      // A 256 MiB ring: under load a smaller one dropped packets, which makes the capture unusable.
      "-B",
      "262144",
      // It keeps root, so it can write into the run folder.
      "-Z",
      "root",
      "-w",
      file,
      smtpHopFilter(opts.receiverIp),
    ],
    cwd: opts.cwd,
    outputFile: log,
  });
  const listening = waitFor(`${opts.name} listening`, () => fileContains(log, "listening on any"), {
    alive: () => (daemon.running ? undefined : `tcpdump exited: ${daemon.outputTail()}`),
  });
  listening.catch(() => undefined); // the caller awaits it, before any mail is sent
  world.capture = { daemon, file };
  world.daemons.push(daemon);
  return { daemon, file, listening };
}
