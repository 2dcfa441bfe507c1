// The mail-client agent: runs inside the MUA's network namespace and does what the harness asks
// over a Unix socket: submit with nodemailer, fetch with imapflow. Started like a daemon.
import { createServer, type Socket } from "node:net";
import { readFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import nodemailer from "nodemailer";
import { ImapFlow } from "imapflow";
import type { AgentAnswer, AgentEnvelope, FetchReply, FetchRequest, SubmitReply, SubmitRequest } from "./protocol.ts";
import { submitSmime } from "./smime-sender.ts";

// One pooled SMTP transport per MTA: a world submits hundreds of messages.
const transports = new Map<string, ReturnType<typeof nodemailer.createTransport>>();

function transportFor(r: SubmitRequest) {
  const key = JSON.stringify([r.host, r.port, r.auth ?? null]);
  let transport = transports.get(key);
  if (!transport) {
    const security = r.auth
      ? {
          // As a mail client submits: STARTTLS required, the lab MTA's certificate pinned, then AUTH.
          requireTLS: true,
          tls: { ca: readFileSync(r.auth.certFile, "utf8"), servername: r.auth.servername },
          auth: { user: r.auth.user, pass: r.auth.password },
        }
      : { ignoreTLS: true }; // port 25 inside the lab site; the MTA-to-MTA hop is what is tested
    transport = nodemailer.createTransport({
      host: r.host,
      port: r.port,
      secure: false,
      ...security,
      connectionTimeout: 10_000,
      // One message per connection, as a mail client sends: Exim, for one, queues rather than
      // delivers a connection's eleventh message (smtp_accept_queue_per_connection).
      pool: true,
      maxConnections: 8,
      maxMessages: 1,
    });
    transports.set(key, transport);
  }
  return transport;
}

async function submit(r: SubmitRequest): Promise<SubmitReply> {
  const transport = transportFor(r);
  const info = await transport.sendMail(
    r.raw !== undefined
      ? { envelope: { from: r.from, to: [r.to] }, raw: r.raw }
      : { from: r.from, to: r.to, subject: r.subject, messageId: r.messageId, text: r.text },
  );
  return { response: info.response, accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
}

// A session per fetch, logged out at once: Dovecot then reuses its imap process for the next
// fetch (service_count = 0), where a session kept open per mailbox would hold one process per
// case's mailbox for the whole world.
async function fetch(r: FetchRequest): Promise<FetchReply> {
  const client = new ImapFlow({
    host: r.host,
    port: r.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: r.user, pass: r.password },
    logger: false,
  });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const box = await client.mailboxOpen("INBOX", { readOnly: true });
    if (box.exists === 0) return { found: false, mailboxSize: 0 };
    const uids = await client.search({ header: { "message-id": r.messageId } }, { uid: true });
    const uid = Array.isArray(uids) ? uids[0] : undefined;
    if (uid === undefined) return { found: false, mailboxSize: box.exists };
    const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
    return { found: true, source: msg ? msg.source?.toString("utf8") : undefined, mailboxSize: box.exists };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

function closeAll(): void {
  for (const t of transports.values()) t.close();
}

function serve(sock: Socket): void {
  const lines = createInterface({ input: sock });
  lines.on("line", async (line) => {
    let answer: AgentAnswer;
    const env = JSON.parse(line) as AgentEnvelope;
    try {
      const r = env.request;
      const reply =
        r.op === "submit"
          ? await submit(r)
          : r.op === "fetch"
            ? await fetch(r)
            : r.op === "submit-smime"
              ? await submitSmime(r, submit)
              : await (await import("../smime/smimea-lookup.ts")).lookupSmimea(r.server, r.address);
      answer = { id: env.id, ok: true, reply };
    } catch (e) {
      answer = { id: env.id, ok: false, error: (e as Error).message };
    }
    sock.write(JSON.stringify(answer) + "\n");
  });
  sock.on("error", () => sock.destroy());
}

const path = process.argv[2];
if (!path) {
  console.error("usage: agent.ts <socket path>");
  process.exit(2);
}
rmSync(path, { force: true });
const server = createServer(serve);
server.listen(path, () => console.log(`mua agent listening on ${path}`));
const stop = () => {
  server.close();
  closeAll();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
