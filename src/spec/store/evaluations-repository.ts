// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
import type { JsonValue } from "../json.js";

/** One finished unit of an evaluation job (a replayed turn), as the job wrote it. */
export interface EvalResult {
  key: string;
  /** The task's place in the job's plan: results come back in this order. */
  ordinal: number;
  result: Record<string, JsonValue>;
}

/** A stored scorecard: immutable, numbered per (agent, candidate), with the inputs it was made from. */
export interface ScorecardRecord {
  id: string;
  tenantId: string;
  agentId: string;
  /** 1, 2, 3… per (agent, candidate), assigned by the store. */
  version: number;
  /** The evaluation job that made it; null once that job is removed. */
  jobId: string | null;
  candidate: string;
  reference: string;
  judge: string;
  /** Null once the dataset is removed; `datasetHash` still names its rows. */
  datasetId: string | null;
  datasetHash: string;
  seed: number;
  gatePassed: boolean;
  /** The whole scorecard (`scorecardSchema` in spec/evaluation.ts). */
  scorecard: Record<string, JsonValue>;
  createdAt: string;
}

export type NewScorecard = Omit<ScorecardRecord, "id" | "version" | "createdAt">;

/**
 * Evaluation jobs' results and the scorecards made from them. A result is
 * written once per (job, key); a scorecard never changes once stored (every
 * update is refused by the store itself).
 */
export interface EvaluationsRepository {
  /**
   * Stores one task's result; false (and nothing written) when the job has
   * a result with that key already: a resumed worker cannot write one twice.
   * StoreError(foreign_key) for an unknown job; ValidationError for a result that is not a JSON
   * object or an ordinal that is not a whole number 0 or more.
   */
  putResult(jobId: string, result: EvalResult): Promise<boolean>;
  /** The job's results in ordinal order, after `afterOrdinal`; all of them without `limit`. */
  results(jobId: string, options?: { afterOrdinal?: number; limit?: number }): Promise<EvalResult[]>;
  /** How many results the job has. */
  countResults(jobId: string): Promise<number>;
  /**
   * Stores the next version of the scorecard of (agent, candidate).
   * StoreError(foreign_key) for an agent of another tenant or an unknown job or dataset.
   */
  createScorecard(input: NewScorecard): Promise<ScorecardRecord>;
  getScorecard(tenantId: string, id: string): Promise<ScorecardRecord | undefined>;
  /** Oldest first; with a filter, only that agent's or candidate's. */
  listScorecards(
    tenantId: string,
    filter?: { agentId?: string; candidate?: string },
  ): Promise<ScorecardRecord[]>;
  /** The newest scorecard of `candidate` on the agent, or undefined. */
  latestScorecard(tenantId: string, agentId: string, candidate: string): Promise<ScorecardRecord | undefined>;
}

/** One change of the model an agent answers with: a promotion, or the rollback of one. */
export interface AgentPromotion {
  id: string;
  tenantId: string;
  agentId: string;
  /** 1, 2, 3… per agent: the agent's model history, in order. */
  seq: number;
  action: "promote" | "rollback";
  /** The model the agent answers with from this change on; null: retrieval mode. */
  model: string | null;
  previousModel: string | null;
  /** The scorecard that justified a promotion (null for a rollback, or when the scorecard is gone). */
  scorecardId: string | null;
  /** Promoted although the gate was not met. */
  forced: boolean;
  /** Why it was forced (or anything the person said). */
  why: string | null;
  /** Who made the change (the operator's user name, or the API key's name). */
  actor: string;
  /** For a rollback: the promotion it undid. */
  revertsId: string | null;
  createdAt: string;
}

export type NewAgentPromotion = Omit<AgentPromotion, "id" | "seq" | "createdAt">;

/**
 * The record of an agent's model changes. Rows are only added (a rollback is
 * a new row naming the promotion it undid); they go with their agent.
 */
export interface PromotionsRepository {
  /**
   * Adds the agent's next change. StoreError(foreign_key) for an agent of
   * another tenant or an unknown scorecard or reverted promotion; check for
   * an empty actor.
   */
  record(input: NewAgentPromotion): Promise<AgentPromotion>;
  /** The agent's changes, oldest first. */
  list(tenantId: string, agentId: string): Promise<AgentPromotion[]>;
}
