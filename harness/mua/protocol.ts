// The wire protocol between the harness and its mail-client agent: one JSON object a line
// over a Unix socket. The agent runs inside the client's network namespace, so all mail
// traffic stays in the world; the socket is a file, which needs no network.
export interface SubmitRequest {
  op: "submit";
  host: string;
  port: number;
  from: string;
  to: string;
  subject: string;
  messageId: string;
  text: string;
  /** A whole message (e.g. S/MIME) sent as is, instead of one built from subject and text. */
  raw?: string;
  /** Authenticated submission (port 587): STARTTLS to the pinned certificate, then SASL. */
  auth?: { user: string; password: string; certFile: string; servername: string };
}
export interface SubmitReply {
  response: string; // the MTA's final reply to DATA, e.g. "250 2.0.0 Ok: queued as 4Q1ABC"
  accepted: string[];
  rejected: string[];
}

export interface FetchRequest {
  op: "fetch";
  host: string;
  port: number;
  user: string;
  password: string;
  messageId: string;
}
export interface FetchReply {
  found: boolean;
  source?: string; // the message as delivered, when found
  mailboxSize: number;
}

/** The sending client's S/MIME: sign (and maybe encrypt to the recipient's certificate from
 *  its SMIMEA, looked up through `encryptVia`, the site's validating resolver), then submit. */
export interface SmimeSubmitRequest extends Omit<SubmitRequest, "op" | "raw"> {
  op: "submit-smime";
  signer: { certPem: string; keyPem: string; chainPems: string[] };
  encryptVia?: string;
  /** Alter the body after signing, as an on-path modifier would. */
  tamper?: boolean;
}
export interface SmimeSubmitReply extends Partial<SubmitReply> {
  /** Why the client would not send (no secure certificate to encrypt to). */
  refused?: string;
  /** The recipient's SMIMEA answer, as text, when it was looked up. */
  lookup?: string;
  /** The message as submitted. */
  sent?: string;
}

/** A validating resolver's answer for an address's SMIMEA RRset. */
export interface SmimeaLookupRequest {
  op: "lookup-smimea";
  server: string;
  address: string;
}

export type AgentRequest = SubmitRequest | FetchRequest | SmimeSubmitRequest | SmimeaLookupRequest;
export type AgentEnvelope = { id: number; request: AgentRequest };
export type AgentAnswer = { id: number; ok: true; reply: unknown } | { id: number; ok: false; error: string };

/** The MTA's reply to DATA names the queue id that links the submission to its log lines:
 *  Postfix "250 2.0.0 Ok: queued as 4Q1ABC", Exim "250 OK id=1tABCD-000123-AB". */
export function queueIdFrom(response: string): string | undefined {
  return /queued as ([0-9A-Za-z]+)/.exec(response)?.[1] ?? /\bid=([0-9A-Za-z-]+)/.exec(response)?.[1];
}
