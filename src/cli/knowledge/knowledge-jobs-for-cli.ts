import { INGEST_JOB_KIND } from "../../knowledge/ingest-job-payload.js";
import { toIngestJob } from "../../server/api/knowledge-jobs-routes.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { CliContext } from "../cli-context.js";
import { findJob } from "../find-job.js";
import { formatCount, formatTable } from "../format-table.js";

/**
 * `knowledge jobs [ID]`: the default tenant's queued uploads, newest first
 * (a table, or `--json` as `GET /api/knowledge/jobs` answers), or one of
 * them (by id or a prefix of six or more) with its report or error.
 */
export async function knowledgeJobsForCli(
  context: CliContext,
  idOrPrefix: string | undefined,
  options: { json: boolean },
): Promise<void> {
  const store = await context.store();
  const tenantId = (await defaultTenant(store)).id;
  if (idOrPrefix !== undefined) {
    const job = await findJob(store, {
      tenantId,
      kind: INGEST_JOB_KIND,
      idOrPrefix,
      what: "ingestion job",
      listCommand: "alambique knowledge jobs",
    });
    const view = toIngestJob(job);
    if (options.json || !view) return context.io.out(JSON.stringify(view ?? job, null, 2));
    context.io.out(
      formatTable([
        ["id", view.id],
        ["agent", view.agent],
        [
          "status",
          `${view.status}, stage ${view.stage}${view.attempts > 1 ? ` (attempt ${view.attempts})` : ""}`,
        ],
        ["documents", `${view.documents.done}/${view.documents.total}, ${view.chunks} chunks`],
        ["files", `${view.files.length}, ${formatCount(view.bytes)}B`],
      ]),
    );
    const report = view.report;
    if (report) {
      context.io.out(
        `${report.added.length} added, ${report.updated.length} updated, ${report.unchanged.length} unchanged, ${report.chunks} chunks`,
      );
      for (const s of report.skipped) context.io.out(`  skipped: ${s.path}: ${s.reason}`);
    }
    if (view.error) context.io.out(`error (${view.error.code}): ${view.error.message}`);
    return;
  }
  const jobs = (await store.jobs.list({ kind: INGEST_JOB_KIND, tenantId }))
    .reverse()
    .flatMap((job) => toIngestJob(job) ?? []);
  if (options.json) return context.io.out(JSON.stringify(jobs, null, 2));
  if (jobs.length === 0) {
    return context.io.out("No queued uploads: `alambique knowledge add AGENT FILE... --queue` queues one.");
  }
  context.io.out(
    formatTable([
      ["ID", "AGENT", "STATUS", "DOCUMENTS", "CHUNKS", "CREATED"],
      ...jobs.map((j) => [
        j.id,
        j.agent,
        j.status,
        `${j.documents.done}/${j.documents.total}`,
        String(j.chunks),
        j.createdAt,
      ]),
    ]),
  );
}
