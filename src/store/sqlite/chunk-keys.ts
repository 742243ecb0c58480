/**
 * Chunk keys (the integer rowids of chunks, FTS5 and vec0) are allocated in
 * blocks: agent index `k` owns `k * 2^27 … (k + 1) * 2^27 - 1`. A rowid range
 * is the one constraint FTS5 applies inside its own index walk, so a text
 * search reads only one agent's postings without a filter term.
 *
 * Limits (both far beyond an embedded store's life, and checked by the
 * schema): 2^26 agents with knowledge, and 2^27 chunks ingested per agent,
 * replaced ones included. All keys stay below 2^53, exact as JS numbers.
 */
export const chunksPerIndex = 2 ** 27;

/** The first and last chunk key an agent's index may use. */
export function chunkKeyRange(indexKey: number): { first: number; last: number } {
  return { first: indexKey * chunksPerIndex, last: (indexKey + 1) * chunksPerIndex - 1 };
}
