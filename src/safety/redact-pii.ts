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

const patterns: { kind: PiiKind; regex: RegExp; accept?: (match: string) => boolean }[] = [
  { kind: "email", regex: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu },
  { kind: "iban", regex: /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\b/g },
  { kind: "card", regex: /\b(?:\d[ -]?){12,18}\d\b/g, accept: (m) => luhn(m.replace(/\D/g, "")) },
  // International or national numbers of 9+ digits, with the usual separators.
  {
    kind: "phone",
    regex: /(?<![\w-])(?:\+\d{1,3}[ .-]?)?(?:\(?\d{2,4}\)?[ .-]?){2,4}\d{2,4}(?![\w-])/g,
    accept: isPhone,
  },
];

export function redactPii(text: string): Redaction {
  const found: Redaction["found"] = {};
  let out = text;
  for (const { kind, regex, accept } of patterns) {
    out = out.replace(regex, (match) => {
      if (accept && !accept(match)) return match;
      found[kind] = (found[kind] ?? 0) + 1;
      return `[${kind}]`;
    });
  }
  return { text: out, found };
}

function isPhone(match: string): boolean {
  const digits = match.replace(/\D/g, "");
  return digits.length >= 9 && digits.length <= 15;
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
