import { type DigitGroups, digitAt, digitGroups, gapBefore, runLength, runValue } from "./digit-groups.js";
import type { CandidateContext, PiiDetector, Span } from "./pii-detector.js";

/**
 * Phone numbers, Spanish, British, North American and international, however
 * grouped: `+34 612 34 56 78`, `0034612345678`, `(+34) 91 123 45 67`,
 * `612.345.678`, `07700 900123`, `+44 (0)20 7946 0958`, `(555) 123-4567`,
 * `1-555-123-4567`, `+33 6 12 34 56 78`.
 *
 * The pattern takes a whole run of digits joined by spaces, dots, dashes and
 * brackets (at most three characters between two groups), then the check
 * splits it into numbers. A number is a phone when it has
 * - an international prefix (`+` or `00`) and 8 to 15 digits (E.164), or
 * - a national shape: Spanish 9 digits from 6 to 9 (optionally `34` first),
 *   British 11 digits from 0, 10 digits from 0 in groups (France, Germany,
 *   Italy…), North American 10 digits in groups (or 11 from 1), or
 * - a phone word shortly before it ("teléfono", "móvil", "call me") and 7 to
 *   15 digits.
 *
 * Left alone: dates (`06.12.2026`, `2026-12-06`), times (`18:30`, `9:00-14:00`),
 * prices (a currency next to it), quantities (a unit glued after), codes
 * glued to letters (`LE-1001`), and a bare run of digits right after an
 * order word (`pedido 123456789`, `order #612345678`): the agent needs those.
 */
export const phoneNumbers: PiiDetector = {
  kind: "phone",
  // Not inside a word or a number: `12,50`, `18:30`, `LE-1001`, `A/612…` do not start one.
  pattern: /(?<![\p{L}\p{N}_]|\p{N}[.,/:-]|\p{L}[/-])(?:\(?\+|\()?\d(?:[ .()-]{1,3}\d|\d){6,}/gu,
  accept: phoneSpans,
};

const maxGroups = 7;

function phoneSpans(candidate: string, context: CandidateContext): Span[] {
  const groups = digitGroups(candidate);
  // A last run glued to a letter or followed by `:` and a digit is a quantity or a time: `500g`, `18:30`.
  if (/^(?:\p{L}|:\d)/u.test(context.after)) groups.count--;
  // Words and currencies matter only next to the run: inside it, digits stand between them and a number.
  const near: Near = {
    phoneWord: phoneWord.test(context.before),
    reference: isReference(context.before),
    priceBefore: /[€$£]\s?$/.test(context.before),
    priceAfter: price.test(context.after),
  };
  // digitsBefore[i]: how many digits runs [0, i) hold. A number needs 8 (7 after a phone word) in 7 runs.
  const digitsBefore = new Int32Array(groups.count + 1);
  for (let i = 0; i < groups.count; i++)
    digitsBefore[i + 1] = (digitsBefore[i] as number) + runLength(groups, i);
  const spans: Span[] = [];
  for (let i = 0; i < groups.count; ) {
    const reach =
      (digitsBefore[Math.min(i + maxGroups, groups.count)] as number) - (digitsBefore[i] as number);
    if (reach < (i === 0 && near.phoneWord ? 7 : 8)) {
      i++;
      continue;
    }
    if (isDateAt(groups, i)) {
      i += 3;
      continue;
    }
    const start = groups.starts[i] as number;
    const lead = openingOf(groups, i);
    const taken = longestPhoneFrom(groups, i, lead, near);
    if (taken === 0) {
      i++;
      continue;
    }
    spans.push([start - lead.length, groups.ends[i + taken - 1] as number]);
    i += taken;
  }
  return spans;
}

/**
 * What opens the number at run i: `+`, `(+`, `(` or nothing; only the first run can have a `+`. A bracket
 * counts only when it closes right after the run (`(+34) 612…`, `(555) 123…`); otherwise it is the
 * text's own ("por WhatsApp (+34 660 123 456)") and stays outside the mask.
 */
function openingOf(groups: DigitGroups, i: number): string {
  const { text } = groups;
  const start = groups.starts[i] as number;
  const lead = i === 0 ? text.slice(0, start) : text[start - 1] === "(" ? "(" : "";
  if (!lead.startsWith("(") || text[groups.ends[i] as number] === ")") return lead;
  return lead.slice(1);
}

/** Between two runs of one phone number: one separator, or brackets around an area code. */
const phoneGaps = new Set(
  [" - "].concat(
    ...[")", ""].map((close) => ["", " ", ".", "-"].flatMap((sep) => [close + sep, `${close}${sep}(`])),
  ),
);

interface Near {
  phoneWord: boolean;
  reference: boolean;
  priceBefore: boolean;
  priceAfter: boolean;
}

/** How many runs from run i make the longest phone number; 0 when none does. */
function longestPhoneFrom(groups: DigitGroups, i: number, lead: string, near: Near): number {
  // The first three digits, as one number (`612`, `034`): what the national shapes look at.
  const head = digitAt(groups, i, 0) * 100 + digitAt(groups, i, 1) * 10 + digitAt(groups, i, 2);
  let length = 0;
  let best = 0;
  for (let k = 1; k <= maxGroups && i + k <= groups.count; k++) {
    if (k > 1 && !phoneGaps.has(gapBefore(groups, i + k - 1))) break;
    length += runLength(groups, i + k - 1);
    if (length > 17) break;
    if (length < 7) continue;
    const edge = (i === 0 ? atStart : 0) | (i + k === groups.count ? atEnd : 0);
    if (isPhone(length, k, head, lead, edge, near)) best = k;
  }
  return best;
}

/** Bits of `edge`: whether the number starts / ends the candidate, where the words and currencies around it apply. */
const atStart = 1;
const atEnd = 2;

/** Whether `n` digits in `runs` runs starting with the digits `head` (three, as a number) make a phone. */
function isPhone(n: number, runs: number, head: number, lead: string, edge: number, near: Near): boolean {
  if ((edge & atStart && near.priceBefore) || (edge & atEnd && near.priceAfter)) return false;
  if (lead.includes("+")) return n >= 8 && n <= 15;
  const bare = runs === 1 && lead === "";
  if (bare && edge & atStart && near.reference) return false;
  if (head < 10) return n - 2 >= 8 && n - 2 <= 15; // 00: an international prefix
  const first = Math.floor(head / 100);
  const two = Math.floor(head / 10);
  if (n === 9 && first >= 6) return true; // Spain
  if (n === 11 && two === 34 && head % 10 >= 6 && !bare) return true; // Spain, 34 without the +
  if (n === 11 && first === 0) return true; // United Kingdom (0 and 1–9: head ≥ 10 here)
  if (n === 10 && first === 0 && runs > 1) return true; // France, Germany, Italy…
  if (n === 10 && first >= 2 && (runs > 1 || lead === "(")) return true; // North America
  if (n === 11 && two >= 12 && two <= 19 && runs > 1) return true; // North America, 1 first
  return (edge & atStart) !== 0 && near.phoneWord && n <= 15;
}

/** Day, month and year (or year, month, day) joined by one `.` or `-` that does not go on. */
function isDateAt(groups: DigitGroups, i: number): boolean {
  if (i + 2 >= groups.count) return false;
  const gap = gapBefore(groups, i + 1);
  if ((gap !== "." && gap !== "-") || gapBefore(groups, i + 2) !== gap) return false;
  if (i + 3 < groups.count && gapBefore(groups, i + 3) === gap) return false;
  const x = runLength(groups, i);
  const y = runLength(groups, i + 1);
  const z = runLength(groups, i + 2);
  if (x === 4) return y <= 2 && z <= 2 && runValue(groups, i + 1) <= 12 && runValue(groups, i + 2) <= 31;
  if (x > 2 || y > 2 || (z !== 2 && z !== 4)) return false;
  const [day, month] = [runValue(groups, i), runValue(groups, i + 1)];
  return day <= 31 && month <= 31 && Math.min(day, month) <= 12;
}

const price = /^\s?(?:€|\$|£|eur(?:os?)?\b|usd\b|gbp\b|d[óo]lares|dollars|libras|pounds)/iu;

const phoneWord =
  /(?<![\p{L}])(?:tel[ée]?f?(?:ono)?|tfno|tlfn?|m[óo]vil|celular|cel|fijo|whats ?app|wasap|phone|telephone|mobile|cell|landline|ll[áa]m\p{L}*|call|ring|text|sms|contact\p{L}*)(?![\p{L}])[^\p{L}\p{N}]*(?:\p{L}+[^\p{L}\p{N}]+){0,3}$/iu;

/** Words that make the bare number after them a reference: "pedido", "order #", "nº de factura". */
const referenceWord =
  /(?<![\p{L}\p{N}])(?:pedidos?|encargos?|orders?|ref(?:erencia|erence)?|factura|invoice|ticket|albar[áa]n|reserva|booking|seguimiento|tracking|env[íi]o|shipment|c[óo]digo|code|sku|lote|batch)(?:\.|[ \t]+(?:n[º°]\.?|no\.|n[úu]m(?:ero|ber)?\.?|id))?[ \t]*[:#-]?[ \t]*$/iu;

/** "nº", "no.", "#" alone: a reference unless a phone word comes first ("teléfono nº 612…"). */
const numberSign = /(?:(?<![\p{L}\p{N}])(?:n[º°]|n\.[º°]|no\.)|#)[ \t]*[:#-]?[ \t]*$/iu;

function isReference(before: string): boolean {
  return (
    referenceWord.test(before) ||
    (numberSign.test(before) && !phoneWord.test(before.replace(numberSign, " ")))
  );
}
