/**
 * An agent's vector cells as one write batch sees them: loaded once per
 * `putVectors` call, updated in memory as vectors are assigned, and written
 * back at the end (sizes, and the vec0 centroids of the cells that changed).
 * Assigning in memory costs one dot product per cell per vector; asking vec0
 * for the nearest centroid costs about three times that, and could not see
 * the batch's own updates.
 *
 * A cell's centroid is the sum of its members' unit vectors, kept up to date
 * as members arrive, so a subject first seen after a cell formed still
 * gathers in one cell. The sum itself is what the vec0 table stores (cosine
 * distance ignores length, so no normalising is needed and the sum survives
 * from batch to batch). Removals do not update sums (a centroid keeps a
 * little of what left it); sizes are exact, kept by a trigger.
 */
import type { Database, Statement } from "better-sqlite3";
import { floatBlob, type VectorTables } from "./vector-tables.js";

interface Cell {
  id: number;
  size: number;
  sum: Float32Array;
  /** `sum`, unit length. */
  direction: Float32Array;
  changed: boolean;
  /** False until its centroid is first written to vec0 (a new cell's sum starts at zero). */
  stored: boolean;
  /** The last unit vector added: the centroid written when the sum cancels out to zero. */
  last?: Float32Array;
}

export interface CellBatch {
  /** The cell nearest to `unit` (a unit vector), or a new cell for it when the agent has none. */
  nearest(unit: Float32Array): number;
  /** Records that `unit` joined `cell`; returns the cell's new size. */
  add(cell: number, unit: Float32Array): number;
  /** Records that a vector left `cell` (it is being replaced). */
  remove(cell: number): void;
  /** Replaces `cell` by cells with these members' sums and sizes; returns their ids. */
  replace(cell: number, halves: readonly { size: number; sum: Float32Array }[]): number[];
  /** Writes the sizes and centroids of the changed cells. */
  flush(): void;
}

export interface CellStatements {
  sizes: Statement<[number], { cell: number; size: number }>;
  insert: Statement<[number, number], number>;
  resize: Statement<[number, number]>;
  remove: Statement<[number]>;
}

export function createCellStatements(db: Database): CellStatements {
  return {
    sizes: db.prepare<[number], { cell: number; size: number }>(
      "SELECT cell, size FROM knowledge_cells WHERE index_key = ?",
    ),
    insert: db
      .prepare<[number, number], number>(
        "INSERT INTO knowledge_cells (index_key, size) VALUES (?, ?) RETURNING cell",
      )
      .pluck(),
    resize: db.prepare<[number, number]>("UPDATE knowledge_cells SET size = ? WHERE cell = ?"),
    remove: db.prepare<[number]>("DELETE FROM knowledge_cells WHERE cell = ?"),
  };
}

export function openCellBatch(statements: CellStatements, tables: VectorTables, indexKey: number): CellBatch {
  const cells = new Map<number, Cell>();
  const sums = new Map(tables.centroidsOf(indexKey).map(({ cell, centroid }) => [cell, centroid]));
  for (const { cell, size } of statements.sizes.all(indexKey)) {
    const sum = sums.get(cell);
    if (!sum) continue; // another dimension's cell (left from an earlier model; holds no vectors)
    cells.set(cell, { id: cell, size, sum, direction: unitOf(sum), changed: false, stored: true });
  }
  const create = (size: number, sum: Float32Array): number => {
    const id = statements.insert.get(indexKey, size)!;
    cells.set(id, { id, size, sum, direction: unitOf(sum), changed: true, stored: false });
    return id;
  };
  return {
    nearest(unit) {
      let best: Cell | undefined;
      let bestDot = Number.NEGATIVE_INFINITY;
      for (const cell of cells.values()) {
        const similarity = dot(unit, cell.direction);
        if (similarity > bestDot) [best, bestDot] = [cell, similarity];
      }
      return best?.id ?? create(0, new Float32Array(unit.length));
    },
    add(id, unit) {
      const cell = cells.get(id)!;
      for (let i = 0; i < unit.length; i++) cell.sum[i]! += unit[i]!;
      cell.direction = unitOf(cell.sum);
      cell.size += 1;
      cell.changed = true;
      cell.last = unit;
      return cell.size;
    },
    remove(id) {
      const cell = cells.get(id);
      if (!cell) return;
      cell.size -= 1;
      cell.changed = true;
    },
    replace(id, halves) {
      statements.remove.run(id);
      cells.delete(id);
      return halves.map(({ size, sum }) => create(size, sum));
    },
    flush() {
      for (const cell of cells.values()) {
        if (!cell.changed) continue;
        statements.resize.run(cell.size, cell.id);
        // Members that cancel out (v and -v) leave no direction; cosine to a zero vector is undefined.
        const centroid = floatBlob(dot(cell.sum, cell.sum) > 0 || !cell.last ? cell.sum : cell.last);
        if (cell.stored) tables.replaceCentroid(cell.id, indexKey, centroid);
        else tables.insertCentroid(cell.id, indexKey, centroid);
        cell.changed = false;
        cell.stored = true;
      }
    },
  };
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** A unit-length copy; the zero vector stays zero. */
export function unitOf(vector: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(vector, vector));
  const copy = Float32Array.from(vector);
  if (norm > 0) for (let i = 0; i < copy.length; i++) copy[i]! /= norm;
  return copy;
}
