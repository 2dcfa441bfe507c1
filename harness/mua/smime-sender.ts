// The sending client's S/MIME (in the mail-client agent): sign, alter if asked, and encrypt to
// the certificate the recipient's SMIMEA carries, but only from a secure answer (AD=1). A
// failed or insecure lookup means no certificate, and the client refuses to send.
import type { SmimeSubmitReply, SmimeSubmitRequest, SubmitReply, SubmitRequest } from "./protocol.ts";

/** The whole certificate from a usable SMIMEA record for the end entity (usage 1 or 3, 0 0). */
async function certificateFrom(
  records: { usage: number; selector: number; matchingType: number; certificate: Buffer }[],
) {
  const { X509Certificate } = await import("node:crypto");
  const r = records.find((x) => (x.usage === 3 || x.usage === 1) && x.selector === 0 && x.matchingType === 0);
  return r ? new X509Certificate(Buffer.from(r.certificate)).toString() : undefined;
}

export async function submitSmime(
  r: SmimeSubmitRequest,
  submit: (s: SubmitRequest) => Promise<SubmitReply>,
): Promise<SmimeSubmitReply> {
  const { signMessage, encryptMessage } = await import("../smime/cms.ts");
  let message = await signMessage({
    from: r.from,
    to: r.to,
    subject: r.subject,
    text: r.text,
    messageId: r.messageId,
    signer: r.signer,
  });
  // The signed text says "Body token: <hex>"; an on-path modifier changes one character of it.
  if (r.tamper) message = message.replace("Body token: ", "Body t0ken: ");
  let lookup: string | undefined;
  if (r.encryptVia) {
    const { lookupSmimea } = await import("../smime/smimea-lookup.ts");
    const a = await lookupSmimea(r.encryptVia, r.to);
    lookup = a.text;
    if (a.rcode !== "NOERROR" || !a.ad)
      return {
        refused: `the recipient's SMIMEA lookup gave ${a.rcode}, AD=${a.ad ? 1 : 0}: no secure certificate`,
        lookup,
      };
    const cert = await certificateFrom(a.records);
    if (!cert) return { refused: `no secure SMIMEA record with the recipient's whole certificate (x 0 0)`, lookup };
    message = await encryptMessage(message, cert);
  }
  const { op: _op, signer: _s, encryptVia: _e, tamper: _t, ...plain } = r;
  const reply = await submit({ ...plain, op: "submit", raw: message });
  return { ...reply, lookup, sent: message };
}
