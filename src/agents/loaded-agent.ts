import type { AgentSpec } from "../spec/agent.js";
import type { AgentRecord } from "../spec/store.js";

/** A stored agent with its spec parsed (see `AgentRuntime.agent`). */
export type LoadedAgent = Omit<AgentRecord, "spec"> & { spec: AgentSpec };
