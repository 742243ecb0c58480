import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { ingestSources } from "../../knowledge/ingest-sources.js";
import { ModelRegistry } from "../../models/model-registry.js";
import { NotFoundError } from "../../spec/errors.js";
import type { AgentRecord } from "../../spec/store.js";
import type { CliContext } from "../cli-context.js";
import { formatCount } from "../format-table.js";
import { ProgressBar } from "../progress-bar.js";

/**
 * Ingests files into an agent's knowledge with a progress bar (pages of a
 * PDF being read, then files stored), within the config's
 * `knowledge.limits`, embedding the new chunks when the agent names an
 * embedding model, and prints the report: what was added, updated, left
 * unchanged, found twice, or skipped and why. A document past a limit
 * throws `IngestLimitError` (nothing stored), which says how to get under it;
 * a path that does not exist throws NotFoundError naming every such path,
 * before anything is read (a typo must not pass as "skipped").
 */
export async function ingestForCli(
  context: CliContext,
  agent: AgentRecord,
  paths: string[],
  options: { quiet: boolean; baseDir?: string },
): Promise<void> {
  refuseMissing(paths);
  const store = await context.store();
  const embeddingModel =
    typeof agent.spec.embeddingModel === "string" ? agent.spec.embeddingModel : undefined;
  let embed: Awaited<ReturnType<ModelRegistry["embeddingModel"]>> | undefined;
  if (embeddingModel) {
    const registry = new ModelRegistry({ store, declared: context.config.models, env: context.env });
    context.onClose(() => registry.dispose());
    embed = await registry.embeddingModel(embeddingModel);
  }
  const bar = options.quiet ? undefined : new ProgressBar(`knowledge ${agent.name}`);
  const bytes = (n: number) => `${formatCount(n)}B`;
  const report = await ingestSources({
    store,
    tenantId: agent.tenantId,
    agentId: agent.id,
    paths,
    baseDir: options.baseDir ?? commonFolder(paths),
    ...(embed ? { embed, embeddingModelName: embeddingModel } : {}),
    ...(context.config.knowledge?.limits ? { limits: context.config.knowledge.limits } : {}),
    onProgress: (p) => {
      if (p.stage === "files") bar?.update(p.bytesDone, p.bytesTotal, bytes);
      // While a PDF is read: its pages.
      else if (p.stage === "read" && p.pagesTotal > 0) bar?.update(p.pages, p.pagesTotal);
    },
  });
  if (options.quiet) return;
  const line = [
    `${report.added.length} added`,
    `${report.updated.length} updated`,
    `${report.unchanged.length} unchanged`,
    `${report.chunks} chunks`,
    ...(report.embedded > 0 ? [`${report.embedded} embedded`] : []),
  ].join(", ");
  context.io.out(`knowledge of ${agent.name}: ${line}`);
  for (const d of report.duplicates)
    context.io.err(`  duplicate: ${d.uri} has the same content as ${d.duplicateOf}`);
  for (const s of report.skipped) context.io.err(`  skipped: ${s.path}: ${s.reason}`);
}

/** NotFoundError naming every path that does not exist (a typo must not pass as "skipped"). */
export function refuseMissing(paths: string[]): void {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0) return;
  throw new NotFoundError(
    missing.length === 1 ? "file or folder" : "files or folders",
    missing.join(", "),
    `check the path${missing.length === 1 ? "" : "s"} (relative to ${process.cwd()}); nothing was added`,
  );
}

/** The deepest folder containing every path: source URIs are shown relative to it. */
function commonFolder(paths: string[]): string {
  const folders = paths.map((p) => dirname(p).split("/"));
  const first = folders[0] ?? [];
  let n = 0;
  while (n < first.length && folders.every((f) => f[n] === first[n])) n++;
  return first.slice(0, n).join("/") || "/";
}
