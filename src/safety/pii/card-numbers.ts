import { luhn } from "./checksums.js";
import { type DigitGroups, digitAt, digitGroups, gapBefore, runLength } from "./digit-groups.js";
import type { PiiDetector, Span } from "./pii-detector.js";

/**
 * Payment card numbers: 13 to 19 digits whose first digit is an issuer's
 * (2 to 6: Mastercard, Amex, Diners, Visa, Discover, UnionPay, Maestro;
 * barcodes start 0, 1, 7, 8 or 9), bare or in runs of four to six split by
 * spaces, dots or dashes. Masked when the Luhn checksum holds, or when typed as four groups
 * of four: that shape is a card with a typo, not anything else a customer
 * writes (a list of four years excepted). A bare run of digits that fails
 * Luhn is left alone: a barcode or a reference.
 *
 * The pattern takes the whole run of digits and separators, and the check
 * picks the cards inside it, so a card glued to other numbers is still found.
 */
export const cardNumbers: PiiDetector = {
  kind: "card",
  pattern: /(?<![\p{L}\p{N}])\d(?:[ .-]{0,2}\d){12,}/gu,
  accept: (candidate, context) => {
    const groups = digitGroups(candidate);
    // Glued to a word ("…1111abc"): the last run is part of a code.
    if (/^\p{L}/u.test(context.after)) groups.count--;
    const spans: Span[] = [];
    for (let i = 0; i < groups.count; ) {
      const end = longestCardFrom(groups, i);
      if (end === 0) {
        i++;
        continue;
      }
      spans.push([groups.starts[i] as number, groups.ends[end - 1] as number]);
      i = end;
    }
    return spans;
  },
};

/** The end (exclusive) of the longest card made of runs i…, or 0. */
function longestCardFrom(groups: DigitGroups, i: number): number {
  const issuer = digitAt(groups, i, 0);
  if (issuer < 2 || issuer > 6) return 0;
  let best = 0;
  let length = 0;
  for (let j = i; j < groups.count; j++) {
    // Cards are typed bare or in runs of 4 to 6 (4-4-4-4, 4-6-5); only the last run may be shorter.
    if (j > i && runLength(groups, j - 1) < 4) break;
    length += runLength(groups, j);
    if (length > 19) break;
    if (length < 13) continue;
    const typo = j - i === 3 && typedAsFours(groups, i);
    if (typo || luhn(groups.text, groups.starts[i] as number, groups.ends[j] as number)) best = j + 1;
  }
  return best;
}

/** Four runs of four joined by one separator, and not a list of years ("2024 2025 2026 2027"). */
function typedAsFours(groups: DigitGroups, from: number): boolean {
  const gap = gapBefore(groups, from + 1);
  let years = 0;
  for (let i = from; i < from + 4; i++) {
    if (runLength(groups, i) !== 4 || (i > from && gapBefore(groups, i) !== gap)) return false;
    const century = digitAt(groups, i, 0) * 10 + digitAt(groups, i, 1);
    if (century === 19 || century === 20) years++;
  }
  return years < 4;
}
