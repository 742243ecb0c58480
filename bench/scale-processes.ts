/**
 * Pieces of bench/scale.ts: `alambique serve` replicas and `alambique worker`
 * processes (the CLI from source, each its own process, as in production),
 * and the stores they share, seeded with the demo bakery.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedDemoAgent } from "../src/agents/demo-agent.fixture.js";
import { spawnCli } from "../src/cli/cli-process.fixture.js";
import type { Store } from "../src/spec/store.js";
import { defaultTenant } from "../src/store/default-tenant.js";
import { openStore } from "../src/store/open-store.js";
import { seedBakeryWithTeacher } from "./synth-measure.js";

export type Cli = ReturnType<typeof spawnCli>;

/** The demo agent `la-espiga` (retrieval mode: no model) in the default tenant, and an admin key's secret. */
export async function seedTurnsStore(url: string): Promise<string> {
  const store = await openStore(url);
  try {
    const tenant = await defaultTenant(store);
    await seedDemoAgent(store, tenant.id);
    return (await store.apiKeys.create({ tenantId: tenant.id, name: "bench", scopes: ["admin"] })).secret;
  } finally {
    await store.close();
  }
}

/**
 * `count` serve processes on `url` (an absolute SQLite path or a PostgreSQL
 * URL), the rate limit on but too high to refuse (on PostgreSQL it still
 * costs its round trip), logging at `warn`. Resolves with their base URLs.
 */
export async function startReplicas(
  url: string,
  count: number,
): Promise<{ bases: string[]; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "alq-bench-scale-"));
  const config = join(dir, "alambique.yaml");
  writeFileSync(
    config,
    "server:\n  limits:\n    requestsPerMinute: 1000000000\n    queue:\n      maxWaiting: 256\n",
  );
  const replicas = Array.from({ length: count }, (_, i) =>
    spawnCli(
      ["serve", "--port", "0", "--host", "127.0.0.1", "--config", config, "--data", join(dir, `r${i}`)],
      {
        DATABASE_URL: url,
        ALAMBIQUE_LOG_LEVEL: "warn",
      },
    ),
  );
  const bases = await Promise.all(
    replicas.map(
      async (r) => /serving (http:\/\/\S+)\/v1/.exec(await r.waitFor(/Press Ctrl-C/, 120_000))![1]!,
    ),
  );
  return { bases, stop: () => stopAll(replicas) };
}

/** The demo bakery with its knowledge, and the bench server (bench/synth-server.ts) as `instant-teacher`. */
export async function seedSynthStore(url: string, port: number): Promise<{ store: Store; tenantId: string }> {
  const store = await openStore(url);
  const tenant = await seedBakeryWithTeacher(store, port);
  return { store, tenantId: tenant.id };
}

/** `count` `alambique worker` processes on `url` running synth jobs, each idle and polling once this resolves. */
export async function startWorkers(url: string, count: number): Promise<{ stop(): Promise<void> }> {
  const workers = Array.from({ length: count }, () =>
    spawnCli(["worker", "--kinds", "synth", "--poll-ms", "100"], {
      DATABASE_URL: url,
      ALAMBIQUE_LOG_LEVEL: "warn",
    }),
  );
  await Promise.all(workers.map((w) => w.waitFor(/running synth/, 120_000)));
  return { stop: () => stopAll(workers) };
}

async function stopAll(processes: Cli[]): Promise<void> {
  for (const p of processes) p.child.kill("SIGTERM");
  await Promise.all(processes.map((p) => p.exited));
}
