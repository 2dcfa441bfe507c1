import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createSocket } from "node:dgram";
import { FRESH_MS, listenersIn, listeningIn, parseV4, udpBoundIn } from "./proc-net.ts";

describe("/proc/net/tcp", () => {
  it("reads the kernel's little-endian addresses", () => {
    expect(parseV4("0100007F:0019")).toEqual({ ip: "127.0.0.1", port: 25 });
    expect(parseV4("01643363:0035")).toEqual({ ip: "99.51.100.1", port: 53 });
  });

  it("keeps only listening sockets", () => {
    const text = [
      "  sl  local_address rem_address   st tx_queue rx_queue",
      "   0: 0100007F:0019 00000000:0000 0A 00000000:00000000",
      "   1: 0100007F:0019 0100007F:D431 01 00000000:00000000",
    ].join("\n");
    expect(listenersIn(text)).toEqual([{ ip: "127.0.0.1", port: 25 }]);
  });

  it("sees a real listener of this process, and not a port nobody listens on", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    expect(listeningIn(process.pid, "127.0.0.1", port)).toBe(true);
    server.close();
    await new Promise((r) => server.once("close", r));
    await new Promise((r) => setTimeout(r, FRESH_MS + 5)); // the reading above answers until then
    expect(listeningIn(process.pid, "127.0.0.1", port)).toBe(false);
    expect(listeningIn(2 ** 22 + 7, "127.0.0.1", port)).toBe(false);
  });

  it("sees a bound UDP socket of this process on its address, and no other port", async () => {
    const sock = createSocket("udp4");
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
    try {
      const port = sock.address().port;
      expect(udpBoundIn(process.pid, "127.0.0.1", port)).toBe(true);
      expect(udpBoundIn(process.pid, "127.0.0.2", port)).toBe(false);
      expect(udpBoundIn(process.pid, "127.0.0.1", port === 1 ? 2 : 1)).toBe(false);
    } finally {
      sock.close();
    }
  });
});
