/**
 * Masks personal data in text before it reaches a model, a log or a dataset.
 * Each match becomes a typed placeholder (`[email]`, `[phone]`, `[card]`,
 * `[iban]`, `[id_number]`, `[social_security]`, `[address]`), so a reader
 * still knows what was there.
 *
 * What is masked, what is deliberately left (order numbers, prices, dates,
 * times, quantities, postcodes alone) and why is written on each detector
 * in `./pii/`. Detectors run in this order, each on the previous one's
 * output: the ones with a checksum or a strict shape first, so that a card
 * is never read as a phone and a DNI never as an order number.
 *
 * Runs in time linear in the text (every pattern is bounded: see
 * `PiiDetector`); it runs on every customer message.
 */
import { cardNumbers } from "./pii/card-numbers.js";
import { emailAddresses, spelledOutEmailAddresses } from "./pii/email-addresses.js";
import { ibanNumbers } from "./pii/iban-numbers.js";
import { introducedIdNumbers, introducedSocialSecurityNumbers } from "./pii/introduced-numbers.js";
import { phoneNumbers } from "./pii/phone-numbers.js";
import { contextChars, type PiiDetector, type PiiKind, type Span } from "./pii/pii-detector.js";
import { englishAddresses, spanishAddresses } from "./pii/postal-addresses.js";
import { socialSecurityNumbers } from "./pii/social-security-numbers.js";
import { spanishIds } from "./pii/spanish-ids.js";

export type { PiiKind } from "./pii/pii-detector.js";

export interface Redaction {
  text: string;
  /** How many of each kind were masked. */
  found: Partial<Record<PiiKind, number>>;
}

const detectors: readonly PiiDetector[] = [
  emailAddresses,
  spelledOutEmailAddresses,
  ibanNumbers,
  cardNumbers,
  socialSecurityNumbers,
  spanishIds,
  introducedSocialSecurityNumbers,
  introducedIdNumbers,
  spanishAddresses,
  englishAddresses,
  phoneNumbers,
];

export function redactPii(text: string): Redaction {
  const found: Redaction["found"] = {};
  let out = text;
  for (const detector of detectors) out = applyDetector(detector, out, found);
  return { text: out, found };
}

function applyDetector(detector: PiiDetector, text: string, found: Redaction["found"]): string {
  const { kind, pattern, accept } = detector;
  const placeholder = `[${kind}]`;
  return text.replace(pattern, (candidate: string, ...rest: unknown[]) => {
    const offset = rest.find((value) => typeof value === "number") as number;
    const last = rest.at(-1);
    const groups = (typeof last === "object" && last !== null ? last : {}) as Record<
      string,
      string | undefined
    >;
    const verdict = accept
      ? accept(candidate, {
          before: text.slice(Math.max(0, offset - contextChars), offset),
          after: text.slice(offset + candidate.length, offset + candidate.length + contextChars),
          groups,
        })
      : true;
    const spans: readonly Span[] =
      verdict === true ? [[0, candidate.length]] : verdict === false ? [] : verdict;
    if (spans.length === 0) return candidate;
    found[kind] = (found[kind] ?? 0) + spans.length;
    let masked = "";
    let from = 0;
    for (const [start, end] of spans) {
      masked += candidate.slice(from, start) + placeholder;
      from = end;
    }
    return masked + candidate.slice(from);
  });
}
