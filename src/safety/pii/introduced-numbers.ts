import type { PiiDetector, PiiKind, Span } from "./pii-detector.js";

/** Up to four filler words between the keyword and the number: "es", "number", "nº", "de la"… */
const filler = String.raw`(?:[ \t]{0,3}[:#]|[ \t]{1,3}(?:n[º°]\.?|no\.|n[úu]m(?:ero|ber)?\.?|number|es|is|was|de|del|la|el|my|mi|m[íi]o)){0,4}[ \t]{0,3}[:#]?[ \t]{0,3}`;

/**
 * A number that a word names as an identity or social security number:
 * "pasaporte PAA123456", "passport number: 123456789", "mi NIF es
 * B1234567X", "SSN 123456789", "número de la seguridad social 281234567840".
 * Passports, driving licences and foreign ids have no shape to tell them from
 * product or order codes, so only the introducing word makes them reliable.
 * The number is masked; the word stays, so the agent still knows what it was.
 */
export const introducedIdNumbers = introducedBy(
  "id_number",
  String.raw`pasaporte|passport|d\.?n\.?i\.?|n\.?i\.?e\.?|n\.?i\.?f\.?|c\.?i\.?f\.?|documento (?:de identidad|nacional de identidad)|carn[ée]t? de (?:identidad|conducir)|permiso de conducir|licencia de conducir|driver'?s licen[cs]e|driving licen[cs]e|(?:national )?id (?:card|number)|identity card`,
  "[A-Z0-9](?:[.-]?[A-Z0-9]){4,19}",
);

export const introducedSocialSecurityNumbers = introducedBy(
  "social_security",
  "seguridad social|nuss|naf|afiliaci[óo]n|social security(?: number)?|ssn|national insurance(?: number)?",
  // Digits in groups, or a British NI number (`QQ 12 34 56 C`).
  String.raw`\d{2}(?:[ /.-]?\d){6,10}|[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]`,
);

function introducedBy(kind: PiiKind, keywords: string, token: string): PiiDetector {
  return {
    kind,
    pattern: new RegExp(
      String.raw`(?<![\p{L}\p{N}])(?:${keywords})${filler}(?<number>${token})(?![\p{L}\p{N}])`,
      "giu",
    ),
    // The number ends the candidate; the keyword before it stays.
    accept: (candidate, { groups }) => {
      const number = groups.number ?? "";
      if ((number.match(/\d/g)?.length ?? 0) < 3) return false;
      return [[candidate.length - number.length, candidate.length] satisfies Span];
    },
  };
}
