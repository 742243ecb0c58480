/**
 * What the `datasets` commands do, on the default tenant's datasets. A
 * dataset is named `NAME` (its newest version) or `NAME@VERSION`.
 */
import { resolve } from "node:path";
import { agentToolDefinitions } from "../../distill/datasets/agent-tool-definitions.js";
import { findDataset } from "../../distill/datasets/find-dataset.js";
import { createImportedDataset } from "../../distill/datasets/imported-dataset.js";
import { exportDataset } from "../../distill/formats/export-dataset.js";
import { importDataset } from "../../distill/formats/import-dataset.js";
import { agentSpecSchema } from "../../spec/agent.js";
import type { Split, SynthRow } from "../../spec/distill.js";
import type { Dataset, Store } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { CliContext } from "../cli-context.js";
import { formatTable } from "../format-table.js";

type Format = "openai" | "sharegpt" | "hf";

export async function listDatasets(context: CliContext, options: { json?: boolean }): Promise<void> {
  const { store, tenantId } = await open(context);
  const all = await store.datasets.list(tenantId);
  if (options.json) return context.io.out(JSON.stringify(all, null, 2));
  if (all.length === 0) {
    return context.io.out(
      "No datasets yet: `alambique synth run` makes one, `alambique datasets import` reads one.",
    );
  }
  const header = ["DATASET", "ROWS", "TRAIN", "VALIDATION", "TEST", "FROZEN", "TEACHER", "CREATED"];
  const rows = all.map((d) => [
    `${d.name}@${d.version}`,
    String(d.rowCount),
    String(d.splitCounts.train),
    String(d.splitCounts.validation),
    String(d.splitCounts.test),
    d.frozenAt ? "yes" : "no",
    d.card.teacher.name,
    d.createdAt,
  ]);
  context.io.out(formatTable([header, ...rows]));
}

export async function showDataset(
  context: CliContext,
  ref: string,
  options: { rows?: number; json?: boolean },
): Promise<void> {
  const { store, tenantId } = await open(context);
  const dataset = await findDataset(store, tenantId, ref);
  const sample = options.rows ? await store.datasets.rows(tenantId, dataset.id, { limit: options.rows }) : [];
  if (options.json) return context.io.out(JSON.stringify({ ...dataset, rows: sample }, null, 2));
  const { card } = dataset;
  const licence = (id: string | null) => id ?? "unknown";
  const lines = [
    ["dataset", `${dataset.name}@${dataset.version} (${dataset.id})`],
    ["frozen", dataset.frozenAt ?? "no"],
    ["agent", card.agent],
    [
      "teacher",
      `${card.teacher.name}, licence ${licence(card.teacher.licenseId)}` +
        (card.teacher.licenseOverride
          ? ` (overridden: --allow-license ${card.teacher.licenseOverride})`
          : ""),
    ],
    ["judge", card.judge ? `${card.judge.name}, licence ${licence(card.judge.licenseId)}` : "none"],
    [
      "rows",
      `${dataset.rowCount}: ${card.counts.train} train, ${card.counts.validation} validation, ${card.counts.test} test`,
    ],
    [
      "dropped",
      Object.entries(card.counts.dropped)
        .map(([r, n]) => `${r} ${n}`)
        .join(", ") || "none",
    ],
    ["languages", card.languages.join(", ")],
    [
      "filters",
      Object.entries(card.filters)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(", "),
    ],
    ["job", dataset.jobId ?? "-"],
    ["content hash", card.contentHash],
    ["created", card.createdAt],
  ];
  context.io.out(formatTable(lines));
  for (const { ordinal, split, row } of sample) {
    context.io.out(`\n#${ordinal} ${split} ${row.key} [${row.intent}, ${row.provenance.language}]`);
    for (const message of row.messages) context.io.out(`  ${message.role}: ${messageText(message)}`);
  }
}

export async function freezeDataset(context: CliContext, ref: string): Promise<void> {
  const { store, tenantId } = await open(context);
  const dataset = await findDataset(store, tenantId, ref);
  if (dataset.frozenAt)
    return context.io.out(`${dataset.name}@${dataset.version} was already frozen (${dataset.frozenAt})`);
  const frozen = await store.datasets.freeze(tenantId, dataset.id);
  context.io.out(
    `froze ${frozen.name}@${frozen.version}: ${frozen.rowCount} rows, content hash ${frozen.card.contentHash}`,
  );
}

export async function exportDatasetForCli(
  context: CliContext,
  ref: string,
  options: { format: Format; out: string; tools: boolean },
): Promise<void> {
  const { store, tenantId } = await open(context);
  const dataset = await findDataset(store, tenantId, ref);
  const tools = options.tools ? await toolsOf(context, store, tenantId, dataset) : undefined;
  const result = await exportDataset({
    format: options.format,
    dir: resolve(options.out),
    rows: rowsOf(store, tenantId, dataset.id),
    card: dataset.card,
    ...(tools && tools.length > 0 ? { tools } : {}),
  });
  const c = result.counts;
  context.io.out(
    `exported ${dataset.name}@${dataset.version} as ${options.format} to ${resolve(options.out)}: ` +
      `${c.train} train, ${c.validation} validation, ${c.test} test (${result.files.length} files)`,
  );
  if (!dataset.frozenAt) {
    context.io.err(`note: ${dataset.name}@${dataset.version} is not frozen; freeze it before training on it`);
  }
}

export async function importDatasetForCli(
  context: CliContext,
  path: string,
  options: { format: Format; name: string; onError: "skip" | "abort"; languages?: string },
): Promise<void> {
  const { store, tenantId } = await open(context);
  const languages = options.languages
    ?.split(",")
    .map((l) => l.trim())
    .filter(Boolean);
  const result = await importDataset({
    format: options.format,
    path: resolve(path),
    onError: options.onError,
    ...(languages ? { languages } : {}),
  });
  for (const error of result.errors.slice(0, 20)) {
    context.io.err(`  ${error.file}${error.line > 0 ? `:${error.line}` : ""}: ${error.message}`);
  }
  if (result.errorCount > 20) context.io.err(`  … and ${result.errorCount - 20} more`);
  if (!result.imported) {
    context.io.err(
      `error: ${result.errorCount} of ${result.linesRead} lines are broken; nothing was imported` +
        "\n  fix: correct those lines, or pass --on-error skip to import the rest",
    );
    context.exitCode = 1;
    return;
  }
  const dataset = await createImportedDataset(store, {
    tenantId,
    name: options.name,
    rows: result.rows,
    card: result.card,
    source: { format: options.format, path: resolve(path), skippedLines: result.errorCount },
  });
  const s = dataset.splitCounts;
  context.io.out(
    `imported ${dataset.rowCount} rows into ${dataset.name}@${dataset.version}: ${s.train} train, ` +
      `${s.validation} validation, ${s.test} test` +
      (result.errorCount > 0 ? `; skipped ${result.errorCount} broken lines` : ""),
  );
}

async function open(context: CliContext) {
  const store = await context.store();
  return { store, tenantId: (await defaultTenant(store)).id };
}

async function* rowsOf(
  store: Store,
  tenantId: string,
  id: string,
): AsyncGenerator<{ split: Split; row: SynthRow }> {
  let after = -1;
  for (;;) {
    const page = await store.datasets.rows(tenantId, id, { afterOrdinal: after, limit: 1000 });
    if (page.length === 0) return;
    for (const { split, row } of page) yield { split, row };
    after = page.at(-1)!.ordinal;
  }
}

/** The tools of the agent the dataset came from, when it still exists. */
async function toolsOf(context: CliContext, store: Store, tenantId: string, dataset: Dataset) {
  const record = await store.agents.getByName(tenantId, dataset.card.agent);
  if (!record) return undefined;
  const agent = { ...record, spec: agentSpecSchema.parse(record.spec) };
  return agentToolDefinitions(store, agent, (message) => context.io.err(`warning: ${message}`));
}

function messageText(message: SynthRow["messages"][number]): string {
  if (message.role === "assistant" && message.tool_calls?.length) {
    const calls = message.tool_calls.map((c) => `${c.function.name}(${c.function.arguments})`).join(", ");
    return `${message.content ?? ""} [calls ${calls}]`.trim();
  }
  const text = message.content ?? "";
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
