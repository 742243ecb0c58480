import type { Chunk } from "../spec/knowledge.js";
import { editDistance, sameStart, typoAllowance } from "./edit-distance.js";
import { words } from "./fold-text.js";
import { type QueryPlan, termStrength } from "./query-plan.js";

/**
 * How much a term that no candidate holds weighs, against the heaviest term
 * some candidate holds, divided by how many terms some candidate holds. A
 * short question about something the documents never mention ("¿venden
 * bicicletas de montaña?": no `montaña` anywhere) is not answered by a
 * passage on its other word: with one of two words missing, coverage stays
 * under 0.3. In a long question, a missing word is more often incidental
 * ("me han puesto una multa, ¿hay descuento si pago rápido?").
 */
export const ABSENT_WEIGHT = 2.5;

/** The plan's terms weighed over one set of candidate chunks (see `weighTerms`). */
export interface TermWeights {
  plan: QueryPlan;
  /** One weight per term of the plan, in order. */
  weights: number[];
  /** Per term: no candidate holds it. */
  absent: boolean[];
}

/**
 * How much lighter a missing word weighs in a chunk whose own heading names
 * the rest of the question: the FAQ "Do you have wifi?" answers "do you have
 * wifi for customers?", though no document says "customers"; a passage that
 * mentions "bicicleta" in passing does not answer "¿venden bicicletas de montaña?".
 */
const ABOUT_IT = 0.6;

/** The folded words of a chunk's title and text, once. */
export function chunkWords(chunk: Pick<Chunk, "title" | "text">): Set<string> {
  return new Set(words(`${chunk.title ?? ""}\n${chunk.text}`));
}

/**
 * Weighs each term of `plan` by how rare it is among `pool` (the candidates a
 * search found: an inverse document frequency, ln(1 + N / (df + 0.5))), so a
 * word every candidate shares ("pan" in a bakery) counts less than the one
 * that tells them apart ("gluten"). A term no candidate holds first gets the
 * pool's words one or two typos from it, with the same first letter, as related words (mutating the plan:
 * "glutn" → "gluten"); still absent, it weighs as `ABSENT_WEIGHT` says.
 */
export function weighTerms(plan: QueryPlan, pool: readonly ReadonlySet<string>[]): TermWeights {
  const n = pool.length;
  const frequencies = plan.terms.map((term) => pool.filter((set) => termStrength(term, set) > 0).length);
  plan.terms.forEach((term, i) => {
    if (frequencies[i] !== 0) return;
    for (const word of term.words) {
      const allowed = typoAllowance(word.length);
      if (allowed === 0 || /\d/.test(word)) continue;
      for (const set of pool) {
        for (const candidate of set) {
          if (
            sameStart(candidate, word) &&
            !candidate.startsWith(word) &&
            !word.startsWith(candidate) &&
            editDistance(word, candidate, allowed) <= allowed
          ) {
            term.related.add(candidate);
          }
        }
      }
    }
    frequencies[i] = pool.filter((set) => termStrength(term, set) > 0).length;
  });
  const present = frequencies.map((df) => (df > 0 ? Math.log(1 + n / (df + 0.5)) : 0));
  const heaviest = Math.max(0, ...present);
  const held = frequencies.filter((df) => df > 0).length;
  const weights = present.map((w, i) =>
    frequencies[i] === 0 ? (heaviest > 0 ? (ABSENT_WEIGHT * heaviest) / held : 1) : w,
  );
  return { plan, weights, absent: frequencies.map((df) => df === 0) };
}

/**
 * The weighted share (0..1) of the question a set of words holds: Σ weight ×
 * strength (1 for the word or its forms, less for a related word) over Σ
 * weight. With `heading` (the words of the chunk's own heading), a single
 * missing word weighs less by the share of the held weight the heading names
 * (see `ABOUT_IT`); two or more missing words are a question about something
 * else ("the best pizza in town" at the town hall). 0 for a question with no topic word.
 */
export function weightedCoverage(
  weighed: TermWeights,
  present: ReadonlySet<string>,
  heading?: ReadonlySet<string>,
): number {
  let held = 0;
  let named = 0;
  weighed.plan.terms.forEach((term, i) => {
    const weight = weighed.absent[i] ? 0 : (weighed.weights[i] ?? 0);
    held += weight * termStrength(term, present);
    if (heading) named += weight * termStrength(term, heading);
  });
  const missing = weighed.absent.filter(Boolean).length;
  const about = heading && held > 0 && missing === 1 ? Math.min(1, named / held) : 0;
  const total = weighed.weights.reduce(
    (sum, w, i) => sum + (weighed.absent[i] ? w * (1 - ABOUT_IT * about) : w),
    0,
  );
  return total === 0 ? 0 : held / total;
}

/** The last heading of a heading path ("Horarios y festivos > Horario de verano" → "Horario de verano"). */
export function ownHeading(title: string | null): string {
  return title?.split(" > ").at(-1) ?? "";
}
