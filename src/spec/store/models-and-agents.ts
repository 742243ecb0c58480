// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
import type { JsonValue } from "../json.js";

export type Openness = "open" | "gated" | "closed";

export interface ModelRecord {
  /** Unique catalog name, e.g. `llama-3.1-8b-instruct-q4`. */
  name: string;
  /** `gguf:/abs/path.gguf`, `hf:OWNER/REPO/FILE.gguf`, or `url:https://host/v1`. */
  source: string;
  architecture: string | null;
  parameterCount: number | null;
  quantization: string | null;
  contextLength: number | null;
  licenseId: string | null;
  licenseUrl: string | null;
  weightsOpenness: Openness | null;
  dataOpenness: Openness | null;
  codeOpenness: Openness | null;
  /** Whether the licence lets this model's outputs train other models; null when unknown. */
  outputsMayTrain: boolean | null;
  /** Anything else (API key env var, price per million tokens, threads, conditions). */
  metadata: Record<string, JsonValue>;
  createdAt: string;
  updatedAt: string;
}

export type NewModel = Omit<ModelRecord, "createdAt" | "updatedAt">;

export interface AgentRecord {
  id: string;
  tenantId: string;
  /** Unique per tenant. */
  name: string;
  /** The validated agent spec (validated by `src/agents`, stored as JSON). */
  spec: Record<string, JsonValue>;
  createdAt: string;
  updatedAt: string;
}

/** One saved spec of an agent. Versions run 1, 2, 3… per agent, one per save (creation included). */
export interface AgentVersionRecord {
  agentId: string;
  version: number;
  spec: Record<string, JsonValue>;
  savedAt: string;
  /** Who saved it (an API key's id), or null when unknown (the CLI, or saved before versions were kept). */
  savedBy: string | null;
}

/** A version without its spec, for listings. */
export type AgentVersionSummary = Omit<AgentVersionRecord, "spec">;

export interface ModelsRepository {
  /** Inserts; throws StoreError(unique) when the name exists. */
  add(model: NewModel): Promise<ModelRecord>;
  get(name: string): Promise<ModelRecord | undefined>;
  /** By name. */
  list(): Promise<ModelRecord[]>;
  remove(name: string): Promise<void>;
}

/**
 * Every `create` and `update` also records the spec it saved as the agent's
 * next version, in the same transaction; `savedBy` is kept with it.
 */
export interface AgentsRepository {
  create(input: {
    tenantId: string;
    name: string;
    spec: Record<string, JsonValue>;
    savedBy?: string | null;
  }): Promise<AgentRecord>;
  get(tenantId: string, id: string): Promise<AgentRecord | undefined>;
  getByName(tenantId: string, name: string): Promise<AgentRecord | undefined>;
  list(tenantId: string): Promise<AgentRecord[]>;
  update(
    tenantId: string,
    id: string,
    spec: Record<string, JsonValue>,
    savedBy?: string | null,
  ): Promise<AgentRecord>;
  /** The agent's versions, newest first, at most `limit` (≥ 1); empty when the agent is not the tenant's. */
  listVersions(tenantId: string, agentId: string, limit: number): Promise<AgentVersionSummary[]>;
  /** One version with its spec; undefined when absent or not the tenant's. */
  getVersion(tenantId: string, agentId: string, version: number): Promise<AgentVersionRecord | undefined>;
  /** Removes the agent and its conversations. */
  remove(tenantId: string, id: string): Promise<void>;
}
