import { resolve } from "node:path";
import { enqueueIngestJob } from "../../knowledge/enqueue-ingest-job.js";
import { expandPaths } from "../../knowledge/expand-paths.js";
import { defaultMaxFileBytes } from "../../knowledge/ingest-sources.js";
import { UsageError } from "../../spec/errors.js";
import type { AgentRecord } from "../../spec/store.js";
import type { CliContext } from "../cli-context.js";
import { refuseMissing } from "./ingest-for-cli.js";

/**
 * `knowledge add --queue`: copies the files into the store and queues an
 * `ingest` job for a worker (`alambique worker`, or a running `serve`), then
 * prints the job's id (stdout) and how to follow it (stderr). Source URIs
 * are the paths relative to the current folder, as without `--queue`; a
 * path outside it is a UsageError (its URI would depend on the worker's
 * folder). A missing path is NotFoundError, before anything is stored.
 */
export async function queueForCli(context: CliContext, agent: AgentRecord, paths: string[]): Promise<void> {
  refuseMissing(paths);
  const cwd = process.cwd();
  const { files, skipped } = await expandPaths(paths, cwd);
  const outside = files.filter((file) => file.uri.startsWith("/"));
  if (outside.length > 0) {
    throw new UsageError(
      `--queue takes files under the current folder: ${outside.map((f) => f.path).join(", ")} ${outside.length === 1 ? "is" : "are"} not`,
      `run the command from a folder that holds them (cd ${resolve(outside[0]!.path, "..")}), or leave out --queue`,
    );
  }
  for (const s of skipped) context.io.err(`  skipped: ${s.path}: ${s.reason}`);
  if (files.length === 0) throw new UsageError("no file to queue", "name files or folders that hold some");
  const job = await enqueueIngestJob({
    store: await context.store(),
    agent,
    files: files.map((file) => ({ name: file.uri, path: file.path })),
    maxFileBytes: context.config.knowledge?.limits?.fileBytes ?? defaultMaxFileBytes,
  });
  context.io.out(job.id);
  context.io.err(
    `queued ${files.length} file${files.length === 1 ? "" : "s"} for ${agent.name}: \`alambique knowledge jobs ${job.id}\` shows the job`,
  );
}
