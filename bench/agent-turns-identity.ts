/**
 * What a retrieval-mode turn answers, written out so that two builds can be
 * compared: a change meant to cost less CPU must not change one result.
 *
 *   npx tsx bench/agent-turns-identity.ts OUT.json
 *   (in each tree; then `cmp` the two files, or `node -e` a diff)
 *
 * The demo agent `la-espiga` (retrieval mode, no model) in a fresh store, the
 * demo's 74 customer questions (demo-retrieval.fixture.ts) asked twice, so
 * that the second pass runs on whatever the first left cached: for each, the
 * retriever's top 8 in BM25 mode (source, location, score, confidence,
 * excerpt) and the turn's answer (text, citations, mode, status). Row ids are
 * random per store, so hits are named by source and location.
 */
import { writeFileSync } from "node:fs";
import { customerQuestions } from "./agent-turns-customers.js";
import { demoWorld } from "./lib/demo-world.js";

const out = process.argv[2];
if (out === undefined) {
  console.error("usage: npx tsx bench/agent-turns-identity.ts OUT.json");
  process.exit(2);
}
const world = await demoWorld(undefined, "identity");
const { tenant, agent, runtime, retriever } = world;
const results: unknown[] = [];
let customer = 0;
for (const pass of [1, 2]) {
  for (const query of customerQuestions) {
    const hits = await retriever.search({
      tenantId: tenant.id,
      agentId: agent.id,
      query,
      limit: 8,
      mode: "bm25",
    });
    const turn = await runtime.turn({
      tenantId: tenant.id,
      agent: agent.name,
      externalUserId: `identity-${customer++}`,
      message: query,
    });
    results.push({
      pass,
      query,
      hits: hits.map((hit) => ({
        source: hit.source.uri,
        location: hit.chunk.location,
        score: hit.score,
        confidence: hit.confidence,
        excerpt: hit.excerpt ?? null,
      })),
      answer: {
        mode: turn.mode,
        status: turn.status,
        language: turn.language,
        text: turn.text,
        citations: turn.citations.map(({ chunkId: _chunkId, ...rest }) => rest),
      },
    });
  }
}
writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`);
console.log(`${results.length} results written to ${out}`);
await world.close();
