// The on-path attacker: a small SMTP proxy run inside the attacker's network namespace, on the
// case addresses it has taken over on the link. It is a test instrument, not a product under test.
// Modes (one per listening address; proxy-main.ts starts it from a config file):
//   strip-tls     relay everything, but remove STARTTLS from the EHLO answer (StripTLS)
//   starttls-454  relay everything, but answer STARTTLS with "454 4.7.0 TLS not available"
//   mitm          answer STARTTLS itself with its own certificate, and relay the decrypted
//                 session to the real server in cleartext
//   tls-fail      accept STARTTLS, then break the TLS handshake
// It logs every session and command verb to stdout (the attacker's log, kept as evidence).
import { connect, createServer, type Socket } from "node:net";
import { TLSSocket } from "node:tls";

export type ProxyMode = "strip-tls" | "starttls-454" | "mitm" | "tls-fail";

export interface ProxyListener {
  listen: string; // address the attacker took over
  upstream: string; // the real receiver's address for this case
  mode: ProxyMode;
  keyPem?: string; // mitm: the attacker's key and certificate
  certPem?: string;
}

const logLine = (s: string) => process.stdout.write(`${new Date().toISOString()} ${s}\n`);
export const log = logLine;

/** Line-oriented relay from client to server with a hook that may rewrite or answer a line. */
function pipeLines(from: Socket | TLSSocket, onLine: (line: string) => boolean): void {
  let buf = "";
  from.on("data", (chunk: Buffer) => {
    buf += chunk.toString("latin1");
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i + 1);
      buf = buf.slice(i + 1);
      if (!onLine(line)) return;
    }
  });
}

/** Drop one extension from an EHLO answer, keeping the last line's "250 " form. */
export function removeCapability(text: string, cap: string): string {
  if (!new RegExp(`^250[ -]${cap}\\b`, "im").test(text)) return text;
  const lines = text.split(/(?<=\n)/).filter((line: string) => !new RegExp(`^250[ -]${cap}\\b`, "i").test(line));
  const last = lines.findLastIndex((line: string) => /^250[ -]/.test(line));
  if (last >= 0) lines[last] = lines[last]!.replace(/^250-/, "250 ");
  return lines.join("");
}

let sessions = 0;

function session(client: Socket, l: ProxyListener): void {
  const peer = `${client.remoteAddress}:${client.remotePort}`;
  const id = `#${++sessions} ${l.listen}`;
  const log = (s: string) => logLine(`${id} ${s}`);
  log(`${l.mode}: connection from ${peer}, relaying to ${l.upstream}:25`);
  let inData = false;
  const server = connect({ port: 25, host: l.upstream, allowHalfOpen: true });
  let c: Socket | TLSSocket = client;
  const close = () => {
    client.destroy();
    server.destroy();
  };
  // An error on one side (a reset after QUIT) ends the other side gracefully: what was already
  // relayed (the 250 to the final dot) must still be delivered.
  client.on("error", () => server.end());
  server.on("error", () => c.end());
  void close;
  // A half-close is passed on with end(), so replies already in flight (the 250 to the final
  // dot, a 221) still reach the other side before its connection closes.
  server.on("end", () => {
    log("server closed");
    c.end();
  });
  client.on("end", () => {
    log("client closed");
    server.end();
  });
  // Server -> client: remove STARTTLS from the EHLO answer (strip-tls and mitm hide nothing,
  // but strip-tls must, so the sender believes the server has no TLS).
  server.on("data", (chunk: Buffer) => {
    let text = chunk.toString("latin1");
    // BDAT carries binary chunks this line relay does not parse: hide CHUNKING, as a real
    // downgrade attacker may; StripTLS also hides STARTTLS.
    text = removeCapability(text, "CHUNKING");
    if (l.mode === "strip-tls" && /^250[ -]STARTTLS\r?\n/im.test(text)) {
      text = removeCapability(text, "STARTTLS");
      log("removed STARTTLS from the EHLO answer");
    }
    c.write(Buffer.from(text, "latin1"));
  });
  const onClientLine = (line: string): boolean => {
    // Message content is relayed as it is, never read as commands.
    if (inData) {
      if (line === ".\r\n" || line === ".\n") {
        inData = false;
        log("client end of data");
      }
      server.write(line, "latin1");
      return true;
    }
    const verb = line.trim().split(/\s/)[0]?.toUpperCase() ?? "";
    log(`client ${verb}`);
    if (verb === "DATA") inData = true;
    if (verb === "STARTTLS" && l.mode === "starttls-454") {
      c.write("454 4.7.0 TLS not available\r\n");
      return true;
    }
    if (verb === "STARTTLS" && l.mode === "tls-fail") {
      // Accept STARTTLS, then answer the TLS ClientHello with garbage: the handshake fails.
      c.write("220 2.0.0 Ready to start TLS\r\n");
      client.removeAllListeners("data");
      client.once("data", () => {
        log("answered the TLS handshake with garbage");
        client.end(Buffer.from("this is not TLS\r\n"));
      });
      return false;
    }
    if (verb === "STARTTLS" && l.mode === "mitm") {
      c.write("220 2.0.0 Ready to start TLS\r\n");
      client.removeAllListeners("data");
      const tls = new TLSSocket(client, { isServer: true, key: l.keyPem, cert: l.certPem });
      tls.on("secure", () => log("terminated TLS with the attacker's certificate"));
      tls.on("error", (e) => {
        log(`TLS with the client failed: ${e.message}`);
        close();
      });
      c = tls;
      pipeLines(tls, onClientLine);
      return false;
    }
    server.write(line, "latin1");
    return true;
  };
  pipeLines(client, onClientLine);
}

export function startProxy(listeners: ProxyListener[]): Promise<void> {
  return Promise.all(
    listeners.map(
      (l) =>
        new Promise<void>((resolve, reject) => {
          // Half-open: a client that sends "QUIT" and shuts its side (Exim does) must still get
          // the replies in flight, so neither side closes the other automatically.
          const srv = createServer({ allowHalfOpen: true }, (s) => session(s, l));
          srv.once("error", reject);
          srv.listen(25, l.listen, () => {
            log(`listening on ${l.listen}:25 (${l.mode} -> ${l.upstream})`);
            resolve();
          });
        }),
    ),
  ).then(() => undefined);
}
