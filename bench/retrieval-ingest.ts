/**
 * Fills a store with the synthetic corpus through the public Store interface,
 * as an application would: sources of `chunksPerSource` chunks, 20 sources
 * per transaction, then the vectors (chunksWithoutVectors → putVectors, 5,000
 * per transaction). Times only the store calls, not the corpus generation.
 */
import type { ChunkInput } from "../src/spec/knowledge.js";
import type { Store } from "../src/spec/store.js";
import { type Corpus, chunksPerSource } from "./retrieval-corpus.js";

const sourcesPerTransaction = 20;
const vectorsPerTransaction = 5000;

export interface IngestTimes {
  textMs: number;
  vectorMs: number;
  /** The float reference table's inserts, timed apart. */
  floatMs: number;
}

export async function ingest(
  store: Store,
  ids: { tenantId: string; agentId: string },
  corpus: Corpus,
  size: number,
  model: string,
  addFloats: (items: { i: number; vector: Float32Array }[]) => void,
  log: (message: string) => void,
): Promise<IngestTimes> {
  const perTransaction = chunksPerSource * sourcesPerTransaction;
  let textMs = 0;
  for (let first = 0; first < size; first += perTransaction) {
    const batch: { uri: string; chunks: ChunkInput[] }[] = [];
    for (let s = first; s < Math.min(size, first + perTransaction); s += chunksPerSource) {
      const chunks: ChunkInput[] = [];
      for (let i = s; i < Math.min(size, s + chunksPerSource); i++) {
        const { text, title } = corpus.chunk(i);
        chunks.push({ ordinal: i - s, text, title, location: `chunk ${i}`, metadata: { i } });
      }
      batch.push({ uri: `docs/${s / chunksPerSource}.md`, chunks });
    }
    const started = performance.now();
    await store.transaction(async (tx) => {
      for (const { uri, chunks } of batch) {
        await tx.knowledge.putSource({ ...ids, uri, kind: "markdown", contentHash: uri, bytes: 0, chunks });
      }
    });
    textMs += performance.now() - started;
    if ((first / perTransaction) % 50 === 49) log(`  ${first + perTransaction} chunks of text`);
  }
  log(`${size} chunks: embedding (vectors)`);
  let vectorMs = 0;
  let floatMs = 0;
  for (;;) {
    let started = performance.now();
    const pending = await store.knowledge.chunksWithoutVectors(
      ids.tenantId,
      ids.agentId,
      model,
      vectorsPerTransaction,
    );
    vectorMs += performance.now() - started;
    if (pending.length === 0) break;
    const items = pending.map((chunk) => {
      const i = chunk.metadata.i as number;
      return { chunkId: chunk.id, i, vector: corpus.vector(i) };
    });
    started = performance.now();
    await store.knowledge.putVectors(ids.tenantId, ids.agentId, model, items);
    vectorMs += performance.now() - started;
    started = performance.now();
    addFloats(items);
    floatMs += performance.now() - started;
  }
  return { textMs, vectorMs, floatMs };
}
