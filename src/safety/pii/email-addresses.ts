import type { PiiDetector } from "./pii-detector.js";

/**
 * E-mail addresses in any script and case, with plus-addressing and
 * subdomains (`Ana.García+pan@Correo.Example.CO.UK`). Lengths are the RFC
 * 5321 limits (local part 64, label 63), which keeps each attempt bounded.
 * Quoted local parts and IP-literal domains are not recognised: nobody types
 * them in a chat.
 */
export const emailAddresses: PiiDetector = {
  kind: "email",
  pattern:
    /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@(?:[\p{L}\p{N}-]{1,63}\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}])/gu,
};

const at = String.raw`(?: ?[([](?:at|arroba)[)\]] ?| arroba )`;
const dot = String.raw`(?: ?[([](?:dot|punto)[)\]] ?| (?:dot|punto) |\.)`;
const label = String.raw`[\p{L}\p{N}-]{1,63}`;

/**
 * The spelled-out form customers type to get past filters: `ana arroba
 * gmail punto com`, `ana (at) example (dot) com`, `ana[at]example.es`.
 */
export const spelledOutEmailAddresses: PiiDetector = {
  kind: "email",
  pattern: new RegExp(
    String.raw`(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}${at}${label}(?:${dot}${label}){1,4}(?![\p{L}\p{N}])`,
    "giu",
  ),
};
