/**
 * The one shape of a PII detector: a pattern that finds candidates and a
 * check that says which part of each candidate is personal data. Detectors
 * run in order over the text, each on the output of the one before, so a
 * later detector sees earlier placeholders (`[email]`), never the data.
 *
 * Contract for `pattern`: global, and linear on any input. Every candidate
 * starts at a token boundary (a lookbehind), so a long run is read once,
 * not once per position; every quantifier is bounded, except one greedy loop
 * at the very end of the digit-run patterns (cards, phones), whose iterations
 * split a run one way only and which has nothing after it to fail. The
 * redaction runs on every customer message: a pattern that backtracks is a
 * denial of service.
 */
export type PiiKind = "email" | "phone" | "card" | "iban" | "id_number" | "social_security" | "address";

/** [start, end) offsets into a candidate. */
export type Span = readonly [start: number, end: number];

/** What a detector's check sees besides the candidate. */
export interface CandidateContext {
  /** The text around the candidate, up to `contextChars` each side, as it reads after earlier detectors. */
  before: string;
  after: string;
  /** The pattern's named groups in this candidate. */
  groups: Readonly<Record<string, string | undefined>>;
}

export const contextChars = 40;

export interface PiiDetector {
  readonly kind: PiiKind;
  readonly pattern: RegExp;
  /**
   * Which part of a candidate is personal data: `true` (all of it), `false`
   * (none), or spans. Absent: every candidate is. Must run in time linear in
   * the candidate's length.
   */
  readonly accept?: (candidate: string, context: CandidateContext) => boolean | readonly Span[];
}
