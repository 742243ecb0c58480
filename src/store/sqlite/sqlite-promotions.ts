/**
 * An agent's model history (see `StoreRepositories.promotions`): rows are
 * only added, numbered 1, 2, 3… per agent in one transaction with the read
 * of the last number, so two promotions at once cannot share a number.
 */
import type { Database } from "better-sqlite3";
import { StoreError } from "../../spec/errors.js";
import type { AgentPromotion, NewAgentPromotion } from "../../spec/store.js";
import { newId } from "../ids.js";
import { nowIso } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface PromotionRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  seq: number;
  action: AgentPromotion["action"];
  model: string | null;
  previous_model: string | null;
  scorecard_id: string | null;
  forced: number;
  why: string | null;
  actor: string;
  reverts_id: string | null;
  created_at: string;
}

export function createSqlitePromotions(db: Database): SyncRepositories["promotions"] {
  const nextSeq = db
    .prepare<[string], number>("SELECT coalesce(max(seq), 0) + 1 FROM agent_promotions WHERE agent_id = ?")
    .pluck();
  const insert = db.prepare<[Record<string, unknown>]>(
    `INSERT INTO agent_promotions (id, tenant_id, agent_id, seq, action, model, previous_model, scorecard_id,
       forced, why, actor, reverts_id, created_at)
     VALUES (@id, @tenantId, @agentId, @seq, @action, @model, @previousModel, @scorecardId, @forced, @why,
       @actor, @revertsId, @createdAt)`,
  );
  const byId = db.prepare<[string], PromotionRow>("SELECT * FROM agent_promotions WHERE id = ?");
  const list = db.prepare<[string, string], PromotionRow>(
    "SELECT * FROM agent_promotions WHERE tenant_id = ? AND agent_id = ? ORDER BY seq",
  );
  const scorecardTenant = db
    .prepare<[string], string>("SELECT tenant_id FROM eval_scorecards WHERE id = ?")
    .pluck();
  const promotionOwner = db.prepare<[string], { tenant_id: string; agent_id: string }>(
    "SELECT tenant_id, agent_id FROM agent_promotions WHERE id = ?",
  );

  const record = db.transaction((input: NewAgentPromotion): string => {
    // Single-column references cannot say "of the same tenant (and agent)": checked here.
    if (input.scorecardId !== null && scorecardTenant.get(input.scorecardId) !== input.tenantId)
      throw foreign(`scorecard ${input.scorecardId} is not one of this tenant's`);
    if (input.revertsId !== null) {
      const owner = promotionOwner.get(input.revertsId);
      if (owner?.tenant_id !== input.tenantId || owner.agent_id !== input.agentId)
        throw foreign(`promotion ${input.revertsId} is not one of this agent's`);
    }
    const id = newId();
    insert.run({
      id,
      tenantId: input.tenantId,
      agentId: input.agentId,
      seq: nextSeq.get(input.agentId)!,
      action: input.action,
      model: input.model,
      previousModel: input.previousModel,
      scorecardId: input.scorecardId,
      forced: input.forced ? 1 : 0,
      why: input.why,
      actor: input.actor,
      revertsId: input.revertsId,
      createdAt: nowIso(),
    });
    return id;
  });

  return {
    record(input) {
      return toPromotion(byId.get(record.immediate(input))!);
    },
    list(tenantId, agentId) {
      return list.all(tenantId, agentId).map(toPromotion);
    },
  };
}

function foreign(message: string): StoreError {
  return new StoreError("foreign_key", message, {
    cause: new Error(message),
    hint: "Name a scorecard or promotion of the same tenant and agent.",
  });
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
    forced: row.forced === 1,
    why: row.why,
    actor: row.actor,
    revertsId: row.reverts_id,
    createdAt: row.created_at,
  };
}
