import { z } from "zod";
import { RETRIEVAL_LIMIT, retrieve } from "../../agents/turn/retrieve.js";
import { createRetriever, maxSearchLimit } from "../../knowledge/create-retriever.js";
import { NotFoundError } from "../../spec/errors.js";
import type { Chunk } from "../../spec/knowledge.js";
import { agentNameParams } from "./agents-routes.js";
import type { ApiDeps } from "./api-deps.js";
import { listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { findAgent } from "./find-agent.js";
import { embeddingModelOf } from "./knowledge-routes.js";

export const chunkPreviewSchema = z
  .object({
    id: z.string(),
    ordinal: z.int(),
    title: z.string().nullable(),
    location: z
      .string()
      .meta({ description: "Where it is in the document: `## Horarios`, `page 3`, `row 12`" }),
    text: z.string(),
  })
  .meta({ id: "ChunkPreview" });

export const knowledgeHitSchema = z
  .object({
    chunk: chunkPreviewSchema,
    source: z.object({ id: z.string(), uri: z.string(), kind: z.string() }),
    confidence: z
      .number()
      .meta({ description: "0..1: the share of the query's topic words the passage holds" }),
    excerpt: z.string().nullable().meta({ description: "The sentences or rows that answer the query" }),
  })
  .meta({ id: "KnowledgeHit" });

export const knowledgeSearchSchema = z
  .object({
    query: z.string(),
    confidence: z.number().meta({
      description: "The best hit's (0 with none): what the agent's handoff threshold is compared with",
    }),
    data: z.array(knowledgeHitSchema),
  })
  .meta({ id: "KnowledgeSearch" });

const chunksParams = z.object({ name: z.string(), sourceId: z.string() });
const chunksQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });
const searchQuery = z.object({
  q: z.string().trim().min(1).max(2000),
  limit: z.coerce.number().int().min(1).max(maxSearchLimit).default(RETRIEVAL_LIMIT),
});
/** Chunks read per store call while looking for one source's (they come a source at a time). */
const PAGE = 500;

/**
 * What an agent's knowledge holds and finds, for the owner: the chunks a
 * document was cut into, and what retrieval returns for a question. The
 * search is the agent's own (same retriever, embedding model and limit as a
 * customer's turn), so the console shows what the agent would read.
 */
export function knowledgeReadRoutes(deps: ApiDeps): ApiRoute[] {
  const { store } = deps;
  return [
    defineApiRoute({
      method: "GET",
      path: "/api/agents/:name/knowledge/:sourceId/chunks",
      tag: "knowledge",
      summary: "The first chunks a knowledge source was cut into",
      description: "In the document's order, at most `limit` (1–200, default 20) of them.",
      access: "admin",
      params: chunksParams,
      query: chunksQuery,
      response: { description: "In order", schema: listOf(chunkPreviewSchema) },
      errors: [400, 404],
      async handler({ auth, params, query }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        const sources = await store.knowledge.listSources(auth.tenantId, agent.id);
        if (!sources.some((source) => source.id === params.sourceId)) {
          throw new NotFoundError(
            "knowledge source",
            params.sourceId,
            `GET /api/agents/${agent.name}/knowledge lists them`,
          );
        }
        const found: Chunk[] = [];
        // A source's chunks come together in the agent's ingest order: read pages until past them.
        for (let after: string | undefined; found.length < query.limit; ) {
          const page = await store.knowledge.listChunks(auth.tenantId, agent.id, {
            limit: PAGE,
            ...(after ? { after } : {}),
          });
          const mine = page.filter((chunk) => chunk.sourceId === params.sourceId);
          found.push(...mine);
          const pastIt = found.length > 0 && page.at(-1)?.sourceId !== params.sourceId;
          if (page.length < PAGE || pastIt) break;
          after = page.at(-1)?.id;
        }
        return { data: found.slice(0, query.limit).map(toPreview) };
      },
    }),
    defineApiRoute({
      method: "GET",
      path: "/api/agents/:name/knowledge/search",
      tag: "knowledge",
      summary: "Search an agent's knowledge as the agent does",
      description: `What retrieval returns for \`q\` in a customer's turn: the same retriever (BM25, with the agent's embedding model hybrid), best first, at most \`limit\` (default ${RETRIEVAL_LIMIT}, what a turn reads).`,
      access: "admin",
      params: agentNameParams,
      query: searchQuery,
      response: { description: "Best first", schema: knowledgeSearchSchema },
      errors: [400, 404, 409],
      async handler({ auth, params, query }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        const embed = await embeddingModelOf(deps, agent);
        const retriever = createRetriever({ store, ...(embed ? { embed: embed.model } : {}) });
        const { hits, confidence } = await retrieve(retriever, agent, query.q, query.limit);
        return {
          query: query.q,
          confidence,
          data: hits.map((hit) => ({
            chunk: toPreview(hit.chunk),
            source: hit.source,
            confidence: hit.confidence,
            excerpt: hit.excerpt ?? null,
          })),
        };
      },
    }),
  ];
}

function toPreview(chunk: Chunk) {
  return {
    id: chunk.id,
    ordinal: chunk.ordinal,
    title: chunk.title,
    location: chunk.location,
    text: chunk.text,
  };
}
