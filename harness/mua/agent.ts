// The mail-client agent: runs inside the MUA's network namespace and does what the harness asks
// over a Unix socket: submit with nodemailer, fetch with imapflow. Started like a daemon.
import { createServer, type Socket } from "node:net";
import { rmSync } from "node:fs";
import { createInterface } from "node:readline";
import nodemailer from "nodemailer";
import { ImapFlow } from "imapflow";
import type { AgentAnswer, AgentEnvelope, FetchReply, FetchRequest, SubmitReply, SubmitRequest } from "./protocol.ts";

async function submit(r: SubmitRequest): Promise<SubmitReply> {
  const transport = nodemailer.createTransport({
    host: r.host,
    port: r.port,
    secure: false,
    ignoreTLS: true, // submission inside the lab site; the MTA-to-MTA hop is what is tested
    connectionTimeout: 10_000,
  });
  try {
    const info = await transport.sendMail({
      from: r.from,
      to: r.to,
      subject: r.subject,
      messageId: r.messageId,
      text: r.text,
    });
    return { response: info.response, accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
  } finally {
    transport.close();
  }
}

async function fetch(r: FetchRequest): Promise<FetchReply> {
  const client = new ImapFlow({
    host: r.host,
    port: r.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: r.user, pass: r.password },
    logger: false,
  });
  await client.connect();
  try {
    const box = await client.mailboxOpen("INBOX");
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

function serve(sock: Socket): void {
  const lines = createInterface({ input: sock });
  lines.on("line", async (line) => {
    let answer: AgentAnswer;
    const env = JSON.parse(line) as AgentEnvelope;
    try {
      const reply = env.request.op === "submit" ? await submit(env.request) : await fetch(env.request);
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
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
