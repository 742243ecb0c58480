/**
 * `count` cells of the persona × intent × difficulty × language grid, spread
 * evenly: the grid is walked in cycles, each cycle visiting every combination
 * exactly once, so a count of at least one grid's size covers all of them;
 * within a cycle the next cell is the one whose values have been used least
 * so far (ties broken by a seeded shuffle), so any prefix — a small count, or
 * a run cancelled half-way — is balanced on every axis too.
 *
 * Chunks are dealt separately from a seeded shuffle of all of them, repeated:
 * each chunk gets ⌊n/C⌋ or ⌈n/C⌉ cells. Cost O(count × grid size), ~50 ms
 * for 100,000 cells over a 360-cell grid.
 */
import type { SeededRandom } from "./seeded-random.js";
import {
  type Difficulty,
  difficultyNames,
  type Intent,
  intentNames,
  type Persona,
  personaNames,
} from "./synth-grid.js";

export interface GridCell {
  persona: Persona;
  intent: Intent;
  difficulty: Difficulty;
  language: string;
}

export function balancedCells(count: number, languages: readonly string[], random: SeededRandom): GridCell[] {
  // Each combination as its four value indices; `used` counts each value's cells so far, per axis.
  const axes = [personaNames.length, intentNames.length, difficultyNames.length, languages.length];
  const grid: number[][] = [];
  for (let p = 0; p < axes[0]!; p++)
    for (let i = 0; i < axes[1]!; i++)
      for (let d = 0; d < axes[2]!; d++) for (let l = 0; l < axes[3]!; l++) grid.push([p, i, d, l]);
  const used = axes.map((size) => new Int32Array(size));
  const uses = (cell: number[]) =>
    used[0]![cell[0]!]! + used[1]![cell[1]!]! + used[2]![cell[2]!]! + used[3]![cell[3]!]!;
  const out: GridCell[] = [];
  while (out.length < count && grid.length > 0) {
    const cycle = random.shuffle(grid);
    while (cycle.length > 0 && out.length < count) {
      let best = 0;
      let bestUses = uses(cycle[0]!);
      for (let i = 1; i < cycle.length; i++) {
        const u = uses(cycle[i]!);
        if (u < bestUses) {
          best = i;
          bestUses = u;
        }
      }
      const cell = cycle[best]!;
      cycle[best] = cycle[cycle.length - 1]!;
      cycle.pop();
      cell.forEach((value, axis) => {
        used[axis]![value]!++;
      });
      out.push({
        persona: personaNames[cell[0]!]!,
        intent: intentNames[cell[1]!]!,
        difficulty: difficultyNames[cell[2]!]!,
        language: languages[cell[3]!]!,
      });
    }
  }
  return out;
}

/** `count` items dealt from repeated seeded shuffles of `items`: each appears ⌊count/n⌋ or ⌈count/n⌉ times. */
export function dealEvenly<T>(items: readonly T[], count: number, random: SeededRandom): T[] {
  const out: T[] = [];
  while (out.length < count) out.push(...random.shuffle(items).slice(0, count - out.length));
  return out;
}
