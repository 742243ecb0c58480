/**
 * Phase 1 of bench/ingest.ts: how fast each format is ingested through
 * `ingestSources` (what `alambique knowledge add` and the upload route call:
 * hash, detect, read in a worker thread within the limits, store in
 * batches), into a real SQLite store, each time into an agent of its own (so
 * nothing is found unchanged), beside three references on the same machine
 * in the same round:
 * - `txt`: the same words as a plain `.txt`, through `ingestSources` too (what parsing the format costs);
 * - `fresh`: the same file read by `readInWorker` in a worker started for it and ended after it (as every
 *   document was read before workers were kept: reading-worker-pool.ts), hashed and stored by `writeSource`;
 * - `here`: the same, read by `readDocument` on this thread, no worker (what the worker costs: its start,
 *   loading the readers into it, their cold code, its lower priority);
 * - `raw`: reading the file's bytes and hashing them (the floor).
 * Sides alternate their order round by round. CPU is this process's, every thread (workers included).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultChunkSizes } from "../src/knowledge/chunk-draft.js";
import { defaultIngestLimits } from "../src/knowledge/ingest-limits.js";
import { ingestSources } from "../src/knowledge/ingest-sources.js";
import { type ReadRequest, readDocument } from "../src/knowledge/read-document.js";
import { readInWorker } from "../src/knowledge/read-in-worker.js";
import { writeSource } from "../src/knowledge/write-source.js";
import type { ChunkInput, SourceKind } from "../src/spec/knowledge.js";
import { openStore } from "../src/store/open-store.js";
import type { Document } from "./ingest-documents.js";
import { startClock } from "./lib/clock.js";

export type RateSide = "ours" | "txt" | "fresh" | "here" | "raw";

export interface RateSample {
  format: Document["format"];
  side: RateSide;
  round: number;
  bytes: number;
  chunks: number;
  ms: number;
  cpuMs: number;
}

const kindOf: Record<Document["format"], SourceKind> = {
  markdown: "markdown",
  html: "html",
  csv: "csv",
  pdf: "pdf",
};

export async function measureRates(
  documents: readonly Document[],
  rounds: number,
  log: (message: string) => void,
): Promise<RateSample[]> {
  const dir = mkdtempSync(join(tmpdir(), "alq-bench-ingest-"));
  const store = await openStore(join(dir, "alambique.db"));
  const samples: RateSample[] = [];
  try {
    const tenant = await store.tenants.create({ slug: "bench", name: "Bench" });
    let n = 0;
    /** A file of its own in a folder of its own; an agent of its own for it. */
    const prepare = async (name: string, bytes: Buffer) => {
      const folder = join(dir, `f${n++}`);
      mkdirSync(folder);
      writeFileSync(join(folder, name), bytes);
      const agent = await store.agents.create({ tenantId: tenant.id, name: `a${n}`, spec: {} });
      return { folder, path: join(folder, name), agentId: agent.id };
    };
    const ingest = async (name: string, bytes: Buffer) => {
      const { folder, agentId } = await prepare(name, bytes);
      const clock = startClock();
      const report = await ingestSources({
        store,
        tenantId: tenant.id,
        agentId,
        paths: [name],
        baseDir: folder,
      });
      if (report.skipped.length > 0) throw new Error(`${name} skipped: ${report.skipped[0]!.reason}`);
      return { ...clock.stop(), chunks: report.chunks };
    };
    const sides: Record<RateSide, (doc: Document) => Promise<{ ms: number; cpuMs: number; chunks: number }>> =
      {
        ours: (doc) => ingest(doc.name, doc.bytes),
        txt: (doc) => ingest(`${doc.name}.txt`, Buffer.from(doc.text)),
        fresh: (doc) =>
          readAndWrite(doc, async (request) => {
            // A heap limit no other reading uses, and nothing kept: a worker of its own, started for this file.
            const limits = { timeoutMs: 60_000, memoryMb: defaultIngestLimits.memoryMb - 1, concurrency: 2 };
            return (await readInWorker(request, { ...limits, keepAliveMs: 0 })).chunks;
          }),
        here: (doc) =>
          readAndWrite(doc, async (request) => {
            const chunks: ChunkInput[] = [];
            await readDocument(request, { chunk: (chunk) => chunks.push(chunk) });
            return chunks;
          }),
        async raw(doc) {
          const { path } = await prepare(doc.name, doc.bytes);
          const clock = startClock();
          createHash("sha256").update(readFileSync(path)).digest("hex");
          return { ...clock.stop(), chunks: 0 };
        },
      };
    /** Hash, read (by `read`), store: the steps of `ingestSources` for one new file. */
    async function readAndWrite(doc: Document, read: (request: ReadRequest) => Promise<ChunkInput[]>) {
      const { path, agentId } = await prepare(doc.name, doc.bytes);
      const clock = startClock();
      const limits = defaultIngestLimits;
      const hash = createHash("sha256").update(readFileSync(path)).digest("hex");
      const chunks = await read({
        path,
        kind: kindOf[doc.format],
        encoding: "utf-8",
        sizes: defaultChunkSizes,
        budget: {
          uri: doc.name,
          document: limits.document,
          upload: limits.upload,
          uploadLeft: limits.upload,
        },
      });
      await writeSource(store, {
        tenantId: tenant.id,
        agentId,
        uri: doc.name,
        kind: kindOf[doc.format],
        contentHash: hash,
        bytes: doc.bytes.length,
        chunks,
      });
      return { ...clock.stop(), chunks: chunks.length };
    }
    const order: RateSide[] = ["ours", "txt", "fresh", "here", "raw"];
    // Unmeasured: loads the readers on this thread, compiles what the workers load (tsx caches it).
    for (const doc of documents) for (const side of ["ours", "here"] as const) await sides[side](doc);
    for (let round = 0; round < rounds; round++) {
      const formats = documents.map((_, i) => documents[(i + round) % documents.length]!);
      for (const doc of formats) {
        for (const side of round % 2 === 0 ? order : [...order].reverse()) {
          const bytes = side === "txt" ? Buffer.byteLength(doc.text) : doc.bytes.length;
          samples.push({ format: doc.format, side, round, bytes, ...(await sides[side](doc)) });
        }
      }
      log(`rates: round ${round + 1}/${rounds} done`);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}
