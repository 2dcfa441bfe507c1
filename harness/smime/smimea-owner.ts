// The owner name of a user's SMIMEA records (RFC 8162 §3):
//   1. the local-part is encoded in UTF-8 ("If the local-part is written in another charset, it
//      MUST be converted to UTF-8");
//   2. "The local-part is hashed using the SHA2-256 algorithm, with the hash truncated to 28
//      octets and represented in its hexadecimal representation, to become the left-most label";
//   3. "_smimecert" is the second label;
//   4. the domain (the right-hand side of the address) is appended.
//
// The local-part is hashed exactly as written: no case folding and no Unicode normalization.
// RFC 5321 §2.4 says "The local-part of a mailbox MUST BE treated as case sensitive", and RFC
// 8162's section on e-mail address variants leaves the interpretation of a local-part to the
// recipient's domain: a sending MUA must not apply mapping rules (case, dots, "+ext") to an
// address. A domain that treats "Hugh" and "hugh" as one mailbox publishes an SMIMEA RRset under
// each spelling's hash. Here "Hugh" and "hugh"
// therefore have different owner names, and so do the NFC and NFD spellings of "jöran".
import { createHash } from "node:crypto";
import { domainToASCII } from "node:url";

export const SMIMEA_LABEL = "_smimecert";

/** The left-most label: hex of the first 28 octets of SHA-256(UTF-8 local-part), lower case. */
export function smimeaLocalPartLabel(localPart: string): string {
  if (localPart === "") throw new Error("an SMIMEA owner name needs a non-empty local-part");
  return createHash("sha256").update(Buffer.from(localPart, "utf8")).digest().subarray(0, 28).toString("hex");
}

/** `<hash>._smimecert.<domain>`, without a trailing dot. A domain in U-labels is converted to
 *  A-labels, the form it has in the DNS; DNS names compare case-insensitively, so the domain's
 *  case does not matter (unlike the local-part's). */
export function smimeaOwnerName(localPart: string, domain: string): string {
  const ascii = domainToASCII(domain.replace(/\.$/, ""));
  if (!ascii) throw new Error(`'${domain}' is not a valid domain name`);
  return `${smimeaLocalPartLabel(localPart)}.${SMIMEA_LABEL}.${ascii}`;
}

/** Split an address at its last "@" (a quoted local-part may itself contain "@"). */
export function splitAddress(address: string): { localPart: string; domain: string } {
  const at = address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1) throw new Error(`'${address}' is not an address of the form local@domain`);
  return { localPart: address.slice(0, at), domain: address.slice(at + 1) };
}

/** The SMIMEA owner name for an e-mail address, e.g. "hugh@example.com". */
export function smimeaOwnerForAddress(address: string): string {
  const { localPart, domain } = splitAddress(address);
  return smimeaOwnerName(localPart, domain);
}
