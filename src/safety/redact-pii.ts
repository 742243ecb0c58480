/**
 * Masks personal data in text before it reaches a model, a log or a dataset:
 * e-mail addresses, phone numbers, payment card numbers (Luhn-checked, so an
 * order number is left alone) and IBANs. Each match becomes a typed
 * placeholder (`[email]`, `[phone]`, `[card]`, `[iban]`), so a reader still
 * knows what was there.
 */
export interface Redaction {
  text: string;
  /** How many of each kind were masked. */
  found: Partial<Record<PiiKind, number>>;
}

export type PiiKind = "email" | "phone" | "card" | "iban";

type Accept = (match: string, before: string) => boolean;

const patterns: { kind: PiiKind; regex: RegExp; accept?: Accept }[] = [
  { kind: "email", regex: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu },
  // Any case, spaces or dashes between groups; the mod-97 checksum keeps words and codes out.
  {
    kind: "iban",
    regex: /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){3,7}(?:[ -]?[A-Z0-9]{1,3})?\b/gi,
    accept: (m) => ibanChecksum(m.replace(/[ -]/g, "").toUpperCase()),
  },
  {
    kind: "card",
    regex: /\b(?:\d[ .-]{0,2}){12,18}\d\b/g,
    accept: (m) => luhn(m.replace(/\D/g, "")),
  },
  // International or national numbers of 9+ digits, with the usual separators.
  {
    kind: "phone",
    regex: /(?<![\w-])(?:\+\d{1,3}[ .-]?)?(?:\(?\d{2,4}\)?[ .-]?){2,4}\d{2,4}(?![\w-])/g,
    accept: isPhone,
  },
];

/** Words before a bare number that make it a reference, not a phone ("pedido 123456789"). */
const referenceWord =
  /(?:pedido|encargo|order|ref(?:erencia|erence)?|factura|invoice|ticket|n[º°o]\.?|num(?:ero)?|number|#)\s*[:.#-]?\s*$/i;

export function redactPii(text: string): Redaction {
  const found: Redaction["found"] = {};
  let out = text;
  for (const { kind, regex, accept } of patterns) {
    out = out.replace(regex, (match: string, ...rest: unknown[]) => {
      const offset = rest.find((value) => typeof value === "number") as number;
      if (accept && !accept(match, out.slice(Math.max(0, offset - 24), offset))) return match;
      found[kind] = (found[kind] ?? 0) + 1;
      return `[${kind}]`;
    });
  }
  return { text: out, found };
}

function isPhone(match: string, before: string): boolean {
  const digits = match.replace(/\D/g, "");
  if (digits.length < 9 || digits.length > 15) return false;
  // A bare run of digits right after "order", "pedido", "#"…: an order number, which the agent needs.
  return !(/^\d+$/.test(match) && referenceWord.test(before));
}

/** ISO 13616: move the first four characters to the end, letters to numbers, the whole mod 97 is 1. */
function ibanChecksum(iban: string): boolean {
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= "A" && char <= "Z" ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
