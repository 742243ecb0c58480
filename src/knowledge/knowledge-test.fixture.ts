import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentRecord, Store, Tenant } from "../spec/store.js";
import { openStore } from "../store/index.js";

/** Test fixture: a fresh temporary folder. */
export function tempDir(prefix = "alq-knowledge-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Test fixture: a real SQLite store in a temporary folder, with one tenant and one agent. */
export async function storeWithAgent(): Promise<{
  store: Store;
  tenant: Tenant;
  agent: AgentRecord;
  dir: string;
}> {
  const dir = tempDir();
  const store = await openStore(join(dir, "alambique.db"));
  const tenant = await store.tenants.create({ slug: "bakery", name: "Bakery" });
  const agent = await store.agents.create({ tenantId: tenant.id, name: "helper", spec: { persona: "kind" } });
  return { store, tenant, agent, dir };
}

/** Lines of `text` as the line readers stream them. */
export async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.split("\n");
}

/** Everything an (async) iterable yields. */
export async function collect<T>(items: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
