import { type PassageUnit, passageUnits } from "./passage-units.js";
import { termStrength } from "./query-plan.js";
import type { TermWeights } from "./weigh-terms.js";

/** A passage this short is read whole. */
const WHOLE_PASSAGE = 280;
/** Most units an excerpt takes: the best, those that add what it lacks, and equal rows of a table. */
const MAX_UNITS = 8;
const MAX_CHARS = 700;
/** A unit is added for what it adds only when that is at least this share of the question. */
const MIN_GAIN = 0.15;

/**
 * The few sentences, list items or table rows of a passage that answer the
 * question (`weighed`: its terms, weighted over the search's candidates):
 * the unit holding most of the question, then the units that hold what it
 * lacks, then any that hold as much as the best (every row of the hours table
 * for "¿a qué hora cerráis?"); a list item comes with its whole list and the
 * sentence that introduces it (the requirements of a procedure); all in the
 * passage's order. A short passage, or one
 * where no unit holds any of the question (it matched on its heading), is
 * read from its start. Undefined for an empty passage. `passage` is the
 * chunk's text, or its units already cut (`readChunk(chunk).units()`).
 */
export function bestExcerpt(
  passage: string | readonly PassageUnit[],
  weighed: TermWeights,
): string | undefined {
  const units = typeof passage === "string" ? passageUnits(passage) : passage;
  if (units.length === 0) return undefined;
  const total = weighed.weights.reduce((sum, w) => sum + w, 0) || 1;
  const strengths = units.map((u) => weighed.plan.terms.map((term) => termStrength(term, u.words)));
  const score = (s: number[]) => s.reduce((sum, v, i) => sum + v * (weighed.weights[i] ?? 0), 0) / total;
  const scores = strengths.map(score);
  const best = scores.indexOf(Math.max(...scores));
  const length = units.reduce((sum, u) => sum + u.text.length, 0);
  if (length <= WHOLE_PASSAGE || scores[best] === 0) return render(upTo(units, MAX_CHARS / 2));

  const chosen = new Set([best]);
  const covered = [...strengths[best]!];
  for (;;) {
    let pick = -1;
    let gain = 0;
    strengths.forEach((s, i) => {
      if (chosen.has(i)) return;
      const adds = score(s.map((v, j) => Math.max(0, v - (covered[j] ?? 0))));
      if (adds > gain) [pick, gain] = [i, adds];
    });
    if (pick < 0 || gain < MIN_GAIN || chosen.size >= 3) break;
    chosen.add(pick);
    strengths[pick]!.forEach((v, j) => {
      covered[j] = Math.max(covered[j] ?? 0, v);
    });
  }
  scores.forEach((s, i) => {
    if (chosen.size < MAX_UNITS && s >= scores[best]! - 1e-9 && units[i]!.kind === units[best]!.kind) {
      chosen.add(i);
    }
  });
  const next = units[best + 1];
  const introduces = units[best]!.text.endsWith(":") && next?.kind === "item";
  if (units[best]!.kind === "item" || introduces) {
    const list = introduces ? next!.block : units[best]!.block;
    const first = units.findIndex((u) => u.block === list);
    const intro = units[first - 1];
    if (intro?.kind === "sentence" && intro.text.endsWith(":")) chosen.add(first - 1);
    units.forEach((u, i) => {
      if (u.block === list && chosen.size < MAX_UNITS) chosen.add(i);
    });
  }
  return render(
    upTo(
      [...chosen].sort((a, b) => a - b).map((i) => units[i]!),
      MAX_CHARS,
    ),
  );
}

/** The first units that fit in `max` characters (always at least one). */
function upTo(units: readonly PassageUnit[], max: number): PassageUnit[] {
  const out: PassageUnit[] = [];
  let used = 0;
  for (const unit of units) {
    if (out.length > 0 && used + unit.text.length > max) break;
    out.push(unit);
    used += unit.text.length + 1;
  }
  return out;
}

/** Sentences of one paragraph joined by a space; anything else on its own line. */
function render(units: PassageUnit[]): string {
  let out = "";
  units.forEach((unit, i) => {
    const previous = units[i - 1];
    if (previous === undefined) out = unit.text;
    else if (unit.kind === "sentence" && previous.kind === "sentence" && previous.block === unit.block) {
      out += ` ${unit.text}`;
    } else out += `\n${unit.text}`;
  });
  return out;
}
