// The harness side of the mail-client agent: request/reply over its Unix socket.
import { connect, type Socket } from "node:net";
import { createInterface } from "node:readline";
import type { SmimeaLookup } from "../smime/smimea-lookup.ts";
import type {
  AgentAnswer,
  AgentRequest,
  FetchReply,
  FetchRequest,
  SmimeaLookupRequest,
  SmimeSubmitReply,
  SmimeSubmitRequest,
  SubmitReply,
  SubmitRequest,
} from "./protocol.ts";

export class MuaClient implements AsyncDisposable {
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly sock: Socket) {
    createInterface({ input: sock }).on("line", (line) => {
      const a = JSON.parse(line) as AgentAnswer;
      const p = this.pending.get(a.id);
      this.pending.delete(a.id);
      if (!p) return;
      if (a.ok) p.resolve(a.reply);
      else p.reject(new Error(`mail client: ${a.error}`));
    });
    sock.on("close", () => {
      for (const p of this.pending.values()) p.reject(new Error("mail client agent went away"));
      this.pending.clear();
    });
  }

  static connect(path: string): Promise<MuaClient> {
    return new Promise((resolve, reject) => {
      const sock = connect(path, () => resolve(new MuaClient(sock)));
      sock.once("error", reject);
    });
  }

  private call<T>(request: AgentRequest): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.sock.write(JSON.stringify({ id, request }) + "\n");
    });
  }

  submit(r: Omit<SubmitRequest, "op">): Promise<SubmitReply> {
    return this.call({ op: "submit", ...r });
  }

  fetch(r: Omit<FetchRequest, "op">): Promise<FetchReply> {
    return this.call({ op: "fetch", ...r });
  }

  submitSmime(r: Omit<SmimeSubmitRequest, "op">): Promise<SmimeSubmitReply> {
    return this.call({ op: "submit-smime", ...r });
  }

  async lookupSmimea(r: Omit<SmimeaLookupRequest, "op">): Promise<SmimeaLookup> {
    const a = await this.call<SmimeaLookup>({ op: "lookup-smimea", ...r });
    // Buffers cross the socket as JSON ({ type: "Buffer", data: [...] }): make them Buffers again.
    const revive = (c: unknown) => (Buffer.isBuffer(c) ? c : Buffer.from((c as { data: number[] }).data));
    return { ...a, records: a.records.map((x) => ({ ...x, certificate: revive(x.certificate) })) };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.sock.end();
  }
}
