/**
 * `alambique migrate`: brings the configured store's schema to this version's,
 * or with `--dry-run` only says what that would apply. Migrations are
 * transactional on both stores (an interrupted one leaves the old schema whole
 * and runs again next time) and serialised across processes, so running it
 * while replicas start is safe. A newer schema is refused, untouched.
 */
import { openStore } from "../../store/open-store.js";
import { readSchemaStatus, type SchemaStatus } from "../../store/schema-status.js";
import type { CliContext } from "../cli-context.js";

export interface MigrateOptions {
  dryRun?: boolean;
  json?: boolean;
}

export async function migrateForCli(context: CliContext, options: MigrateOptions): Promise<void> {
  const url = context.config.storeUrl;
  const before = await readSchemaStatus(url);
  let after = before;
  if (!options.dryRun && before.pending.length > 0) {
    const store = await openStore(url, {
      busyTimeoutMs: context.config.store.busyTimeoutMs,
      migrate: true,
      logger: context.logger,
    });
    await store.close();
    after = await readSchemaStatus(url);
  }
  const applied = before.pending.filter((m) => !after.pending.some((left) => left.version === m.version));
  if (options.json) {
    context.io.out(
      JSON.stringify(
        {
          engine: before.engine,
          store: before.where,
          from: before.version,
          to: after.version,
          latest: after.latestVersion,
          dryRun: options.dryRun === true,
          applied: options.dryRun ? [] : applied,
          pending: after.pending,
        },
        null,
        2,
      ),
    );
    return;
  }
  context.io.out(describe(before, after, applied, options.dryRun === true));
}

function describe(
  before: SchemaStatus,
  after: SchemaStatus,
  applied: SchemaStatus["pending"],
  dryRun: boolean,
): string {
  const where = `${before.engine} store ${before.where}`;
  const list = (ms: SchemaStatus["pending"]) => ms.map((m) => `  ${m.version}  ${m.name}`).join("\n");
  if (before.pending.length === 0)
    return `${where} is at schema ${before.version}, the latest: nothing to do`;
  if (dryRun) {
    return `${where} is at schema ${before.version}; \`alambique migrate\` would apply:\n${list(before.pending)}`;
  }
  return `${where}: schema ${before.version} → ${after.version}, applied:\n${list(applied)}`;
}
