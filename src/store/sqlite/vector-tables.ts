/**
 * The sqlite-vec tables of one vector dimension, created on first use because
 * the dimension is the embedding model's, unknown to migrations:
 * - `knowledge_bits_<w>` (w = the dimension rounded up to whole bytes):
 *   `vec_quantize_binary` of every vector (its signs), rowid = chunk key,
 *   partitioned by cell so a search reads only the cells it probes;
 * - `knowledge_centroids_<dimension>`: each cell's float centroid (the sum of
 *   its members' unit vectors; cosine distance ignores its length), rowid =
 *   cell, partitioned by agent index.
 * Triggers delete their rows with the `chunk_vectors` / `knowledge_cells` rows
 * on every removal path (a source, an agent, a tenant).
 *
 * vec0 wants INTEGER keys; better-sqlite3 binds JS numbers as REAL, hence the
 * CASTs. Vectors for the bits table are passed zero-padded (`paddedBlob`).
 */
import type { Database } from "better-sqlite3";

export interface Neighbour {
  key: number;
  distance: number;
}

export interface VectorTables {
  insertBits(chunkKey: number, cell: number, padded: Buffer): void;
  removeBits(chunkKey: number): void;
  /** The `k` vectors of `cell` nearest to `padded` by Hamming distance. */
  nearestInCell(padded: Buffer, cell: number, k: number): Neighbour[];
  insertCentroid(cell: number, indexKey: number, vector: Buffer): void;
  /** Every centroid of the agent. */
  centroidsOf(indexKey: number): { cell: number; centroid: Float32Array }[];
  replaceCentroid(cell: number, indexKey: number, vector: Buffer): void;
  /** The agent's `k` cells whose centroids are nearest to `vector` by cosine distance. */
  nearestCells(vector: Buffer, indexKey: number, k: number): number[];
}

/** The tables of `dimension`, or undefined when they do not exist and `create` is false. */
export function createVectorTablesCache(
  db: Database,
): (dimension: number, create: boolean) => VectorTables | undefined {
  const cache = new Map<number, VectorTables>();
  const exists = db.prepare<[string], number>("SELECT 1 FROM sqlite_schema WHERE name = ?").pluck();
  return (dimension, create) => {
    const width = bitWidth(dimension);
    const bits = `knowledge_bits_${width}`;
    const centroids = `knowledge_centroids_${dimension}`;
    // Checked on every call, not cached: the transaction that created the tables may have rolled back.
    if (!exists.get(bits) || !exists.get(centroids)) {
      cache.delete(dimension);
      if (!create) return undefined;
      // Two dimensions may share a bit width: each table is made only when missing.
      db.exec(`
        CREATE VIRTUAL TABLE IF NOT EXISTS ${bits} USING vec0 (cell INTEGER PARTITION KEY, bits bit[${width}]);
        CREATE TRIGGER IF NOT EXISTS ${bits}_cleanup AFTER DELETE ON chunk_vectors
        WHEN length(old.embedding) BETWEEN ${(width - 7) * 4} AND ${width * 4}
        BEGIN DELETE FROM ${bits} WHERE rowid = old.chunk_key; END;
        CREATE VIRTUAL TABLE IF NOT EXISTS ${centroids} USING vec0 (agent_key INTEGER PARTITION KEY, centroid float[${dimension}] distance_metric=cosine);
        CREATE TRIGGER IF NOT EXISTS ${centroids}_cleanup AFTER DELETE ON knowledge_cells
        BEGIN DELETE FROM ${centroids} WHERE rowid = old.cell; END;`);
    }
    const cached = cache.get(dimension);
    if (cached) return cached;
    const insertBits = db.prepare<[number, number, Buffer]>(
      `INSERT INTO ${bits} (rowid, cell, bits) VALUES (CAST(? AS INTEGER), CAST(? AS INTEGER), vec_quantize_binary(?))`,
    );
    const removeBits = db.prepare<[number]>(`DELETE FROM ${bits} WHERE rowid = CAST(? AS INTEGER)`);
    const nearestInCell = db.prepare<[Buffer, number, number], Neighbour>(
      `SELECT rowid AS key, distance FROM ${bits}
       WHERE bits MATCH vec_quantize_binary(?) AND cell = CAST(? AS INTEGER) AND k = ?`,
    );
    const insertCentroid = db.prepare<[number, number, Buffer]>(
      `INSERT INTO ${centroids} (rowid, agent_key, centroid) VALUES (CAST(? AS INTEGER), CAST(? AS INTEGER), ?)`,
    );
    const centroidsOf = db.prepare<[number], { cell: number; centroid: Buffer }>(
      `SELECT rowid AS cell, centroid FROM ${centroids} WHERE agent_key = CAST(? AS INTEGER)`,
    );
    const removeCentroid = db.prepare<[number]>(`DELETE FROM ${centroids} WHERE rowid = CAST(? AS INTEGER)`);
    const nearestCells = db
      .prepare<[Buffer, number, number], number>(
        `SELECT rowid FROM ${centroids} WHERE centroid MATCH ? AND agent_key = CAST(? AS INTEGER) AND k = ?`,
      )
      .pluck();
    const tables: VectorTables = {
      insertBits: (chunkKey, cell, padded) => insertBits.run(chunkKey, cell, padded),
      removeBits: (chunkKey) => removeBits.run(chunkKey),
      nearestInCell: (padded, cell, k) => nearestInCell.all(padded, cell, k),
      insertCentroid: (cell, indexKey, vector) => insertCentroid.run(cell, indexKey, vector),
      centroidsOf: (indexKey) =>
        centroidsOf.all(indexKey).map(({ cell, centroid }) => ({ cell, centroid: blobFloats(centroid) })),
      replaceCentroid(cell, indexKey, vector) {
        removeCentroid.run(cell);
        insertCentroid.run(cell, indexKey, vector);
      },
      nearestCells: (vector, indexKey, k) => nearestCells.all(vector, indexKey, k),
    };
    cache.set(dimension, tables);
    return tables;
  };
}

/** The bit width for `dimension`: whole bytes, as `vec_quantize_binary` requires. */
export function bitWidth(dimension: number): number {
  return Math.ceil(dimension / 8) * 8;
}

/** Float32 bytes of `vector`, zero-padded to its bit width (a zero quantises to bit 0 everywhere alike). */
export function paddedBlob(vector: Float32Array): Buffer {
  if (vector.length % 8 === 0) return floatBlob(vector);
  const copy = new Float32Array(bitWidth(vector.length));
  copy.set(vector);
  return floatBlob(copy);
}

export function floatBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** A Float32Array copy of float32 bytes (copied: a Buffer's offset need not be 4-aligned). */
export function blobFloats(blob: Buffer): Float32Array {
  return new Float32Array(new Uint8Array(blob).buffer);
}
