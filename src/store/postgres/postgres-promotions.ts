/**
 * An agent's model history: rows are only added, numbered 1, 2, 3… per
 * agent under a lock on the agent's row. The scorecard and the reverted
 * promotion must be the same tenant's (and agent's): composite foreign keys.
 */
import type { AgentPromotion, StoreRepositories } from "../../spec/store.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { iso, nowIso } from "./postgres-values.js";

interface PromotionRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  seq: number;
  action: AgentPromotion["action"];
  model: string | null;
  previous_model: string | null;
  scorecard_id: string | null;
  forced: boolean;
  why: string | null;
  actor: string;
  reverts_id: string | null;
  created_at: Date;
}

export function createPostgresPromotions(sql: Sql): StoreRepositories["promotions"] {
  return {
    record: (input) =>
      sql.atomic(async (tx) => {
        await tx.query("SELECT 1 FROM agents WHERE tenant_id = $1 AND id = $2 FOR UPDATE", [
          input.tenantId,
          input.agentId,
        ]);
        const [row] = await tx.query<PromotionRow>(
          `INSERT INTO agent_promotions (id, tenant_id, agent_id, seq, action, model, previous_model, scorecard_id,
             forced, why, actor, reverts_id, created_at)
           SELECT $1, $2, $3, coalesce(max(seq), 0) + 1, $4, $5, $6, $7, $8, $9, $10, $11, $12
           FROM agent_promotions WHERE agent_id = $3
           RETURNING *`,
          [
            newId(),
            input.tenantId,
            input.agentId,
            input.action,
            input.model,
            input.previousModel,
            input.scorecardId,
            input.forced,
            input.why,
            input.actor,
            input.revertsId,
            nowIso(),
          ],
        );
        return toPromotion(row!);
      }),
    list: async (tenantId, agentId) =>
      (
        await sql.query<PromotionRow>(
          "SELECT * FROM agent_promotions WHERE tenant_id = $1 AND agent_id = $2 ORDER BY seq",
          [tenantId, agentId],
        )
      ).map(toPromotion),
  };
}

function toPromotion(row: PromotionRow): AgentPromotion {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    seq: row.seq,
    action: row.action,
    model: row.model,
    previousModel: row.previous_model,
    scorecardId: row.scorecard_id,
    forced: row.forced,
    why: row.why,
    actor: row.actor,
    revertsId: row.reverts_id,
    createdAt: iso(row.created_at),
  };
}
