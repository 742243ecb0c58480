import type { RetrievedHit, Retriever } from "../../spec/knowledge.js";
import type { LoadedAgent } from "../loaded-agent.js";

/** Passages retrieved per customer message. */
export const RETRIEVAL_LIMIT = 5;

/** Step 4: the agent's passages for the message (at most `limit`), best first, and the best one's confidence (0 with none). */
export async function retrieve(
  retriever: Retriever,
  agent: Pick<LoadedAgent, "tenantId" | "id">,
  query: string,
  limit: number = RETRIEVAL_LIMIT,
): Promise<{ hits: RetrievedHit[]; confidence: number }> {
  const hits = await retriever.search({ tenantId: agent.tenantId, agentId: agent.id, query, limit });
  return { hits, confidence: hits[0]?.confidence ?? 0 };
}
