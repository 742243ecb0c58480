/**
 * The swap of staging and swap (src/knowledge/write-source.ts): how long the
 * one transaction that makes a staged 5,000-chunk source live takes, beside
 * one `putSource` of the same 5,000 chunks (what a whole replacement in one
 * call costs: the reference, same run), and one `purgeSource` call of 500 of
 * the replaced version's chunks. SQLite, 5 rounds, medians.
 *
 *   npx tsx bench/ingest-swap.ts
 */
import { loadavg } from "node:os";
import { storeWithAgent } from "../src/knowledge/knowledge-test.fixture.js";

const seeded = await storeWithAgent();
const store = seeded.store;
const ids = { tenantId: seeded.tenant.id, agentId: seeded.agent.id };
const chunks = (n: number, word: string, from = 0) =>
  Array.from({ length: n }, (_, j) => {
    const i = j + from;
    return {
      ordinal: i,
      title: `Página ${i + 1}`,
      text: `${word} ${i}: condiciones del servicio, plazos, precios y devoluciones del pedido número ${i}.`,
      location: `page ${i + 1}`,
      metadata: {},
    };
  });
const input = { ...ids, uri: "c.pdf", kind: "pdf" as const, contentHash: "h1", bytes: 1 };
const swaps: number[] = [];
const purges: number[] = [];
const puts: number[] = [];
for (let round = 0; round < 5; round++) {
  let t = performance.now();
  await store.knowledge.putSource({ ...input, uri: `whole${round}`, chunks: chunks(5000, "entero") });
  puts.push(performance.now() - t);
  const st = await store.knowledge.stageSource({ ...input, chunks: chunks(16, "nuevo") });
  for (let at = 16; at < 5000; at += 500)
    await store.knowledge.appendChunks({
      ...ids,
      sourceId: st.id,
      chunks: chunks(Math.min(500, 5000 - at), "nuevo", at),
    });
  t = performance.now();
  const { retired } = await store.knowledge.publishSource({ ...ids, sourceId: st.id });
  swaps.push(performance.now() - t);
  if (retired) {
    t = performance.now();
    let left = 1;
    let calls = 0;
    while (left > 0) {
      left = await store.knowledge.purgeSource(ids.tenantId, retired, 500);
      calls++;
    }
    purges.push((performance.now() - t) / calls);
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!.toFixed(1);
console.log(
  `swap of a 5,000-chunk source: median ${med(swaps)} ms (${swaps.map((x) => x.toFixed(1)).join(", ")}); one putSource of 5,000 chunks (the reference, one call): median ${med(puts)} ms; purge call of 500 chunks: median ${med(purges)} ms`,
);
await store.close();
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
