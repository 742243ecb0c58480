import { type Command, Option } from "commander";
import type { SearchMode } from "../../spec/knowledge.js";
import type { EmbeddingModelV3 } from "../../spec/models.js";
import type { AgentRecord, Store } from "../../spec/store.js";
import type { CliContext } from "../cli-context.js";
import { positiveInt } from "../parse-option.js";

export function registerKnowledge(program: Command, context: CliContext): void {
  const knowledge = program
    .command("knowledge")
    .description("an agent's documents: add, list, remove, and search them as the agent does");

  knowledge
    .command("add <agent> <files...>")
    .description(
      "add files or folders (Markdown, text, HTML, PDF, CSV, JSON) to an agent's knowledge; unchanged ones are skipped",
    )
    .option("--quiet", "print nothing but errors")
    .option(
      "--queue",
      "copy the files into the store and queue their ingestion for a worker (`alambique worker`, or a running `serve`); prints the job id",
    )
    .action(async (agentName: string, files: string[], options: { quiet?: boolean; queue?: boolean }) => {
      const store = await context.store();
      const agent = await findAgent(store, agentName);
      if (options.queue) {
        const { queueForCli } = await import("../knowledge/queue-for-cli.js");
        return queueForCli(context, agent, files);
      }
      const { ingestForCli } = await import("../knowledge/ingest-for-cli.js");
      // Source names are the paths as given, relative to where the command runs.
      await ingestForCli(context, agent, files, { quiet: options.quiet ?? false, baseDir: process.cwd() });
    });

  knowledge
    .command("jobs [id]")
    .description(
      "queued uploads (`knowledge add --queue`, or the API with Prefer: respond-async): all, or one with its report",
    )
    .option("--json", "print JSON")
    .action(async (id: string | undefined, options: { json?: boolean }) => {
      const { knowledgeJobsForCli } = await import("../knowledge/knowledge-jobs-for-cli.js");
      await knowledgeJobsForCli(context, id, { json: options.json ?? false });
    });

  knowledge
    .command("list <agent>")
    .description("the agent's sources, with their chunk counts")
    .option("--json", "print JSON")
    .action(async (agentName: string, options: { json?: boolean }) => {
      const store = await context.store();
      const agent = await findAgent(store, agentName);
      const sources = await store.knowledge.listSources(agent.tenantId, agent.id);
      if (options.json) return context.io.out(JSON.stringify(sources, null, 2));
      if (sources.length === 0) {
        return context.io.out(
          `${agent.name} has no knowledge yet: \`alambique knowledge add ${agent.name} FILE...\``,
        );
      }
      const { formatCount, formatTable } = await import("../format-table.js");
      context.io.out(
        formatTable([
          ["URI", "KIND", "CHUNKS", "SIZE", "UPDATED"],
          ...sources.map((s) => [
            s.uri,
            s.kind,
            String(s.chunkCount),
            `${formatCount(s.bytes)}B`,
            s.updatedAt,
          ]),
        ]),
      );
    });

  knowledge
    .command("remove <agent> <uri>")
    .description("remove one source (as `knowledge list` names it) and its chunks")
    .action(async (agentName: string, uri: string) => {
      const store = await context.store();
      const agent = await findAgent(store, agentName);
      const source = await store.knowledge.getSource(agent.tenantId, agent.id, uri);
      if (!source) {
        const { NotFoundError } = await import("../../spec/errors.js");
        throw new NotFoundError(
          "source",
          uri,
          `\`alambique knowledge list ${agent.name}\` shows its sources`,
        );
      }
      await store.knowledge.removeSource(agent.tenantId, source.id);
      context.io.out(`removed ${uri} (${source.chunkCount} chunks) from ${agent.name}`);
    });

  knowledge
    .command("search <agent> <query>")
    .description("search the agent's knowledge as the agent would, to check what a question finds")
    .addOption(
      new Option(
        "--mode <mode>",
        "bm25, vector or hybrid (default: hybrid with an embedding model, else bm25)",
      ).choices(["bm25", "vector", "hybrid"]),
    )
    .option("--limit <n>", "how many hits", positiveInt, 5)
    .option("--json", "print JSON")
    .action(
      async (
        agentName: string,
        query: string,
        options: { mode?: SearchMode; limit: number; json?: boolean },
      ) => {
        const store = await context.store();
        const agent = await findAgent(store, agentName);
        const embeddingModel =
          typeof agent.spec.embeddingModel === "string" ? agent.spec.embeddingModel : undefined;
        const { createRetriever } = await import("../../knowledge/create-retriever.js");
        let embed: EmbeddingModelV3 | undefined;
        if (embeddingModel && options.mode !== "bm25") {
          const { ModelRegistry } = await import("../../models/model-registry.js");
          const registry = new ModelRegistry({ store, declared: context.config.models, env: context.env });
          context.onClose(() => registry.dispose());
          embed = await registry.embeddingModel(embeddingModel);
        }
        const hits = await createRetriever({ store, ...(embed ? { embed } : {}) }).search({
          tenantId: agent.tenantId,
          agentId: agent.id,
          query,
          limit: options.limit,
          ...(options.mode ? { mode: options.mode } : {}),
        });
        if (options.json) return context.io.out(JSON.stringify(hits, null, 2));
        if (hits.length === 0) {
          return context.io.out(
            "Nothing found. Try other words, or check `alambique knowledge list` for the sources.",
          );
        }
        hits.forEach((hit, i) => {
          const where =
            hit.chunk.title && hit.chunk.title !== hit.chunk.location ? ` — ${hit.chunk.title}` : "";
          context.io.out(
            `${i + 1}. ${hit.source.uri} @ ${hit.chunk.location}${where}  (confidence ${hit.confidence.toFixed(2)}, score ${hit.score.toFixed(3)})`,
          );
          const text = hit.chunk.text.replace(/\s+/g, " ");
          context.io.out(`   ${text.length > 240 ? `${text.slice(0, 239)}…` : text}`);
        });
      },
    );
}

/** The named agent of the default tenant; NotFoundError with a did-you-mean, or how to create it. */
async function findAgent(store: Store, name: string): Promise<AgentRecord> {
  const { defaultTenant } = await import("../../store/default-tenant.js");
  const { findAgentForCli } = await import("../find-agent-for-cli.js");
  return findAgentForCli(store, (await defaultTenant(store)).id, name);
}
