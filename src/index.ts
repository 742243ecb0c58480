/**
 * The package's library entry (`import { … } from "alambique"`): the pieces a Node program needs to run
 * Alambique inside its own process instead of through the command line. The command line itself is `main`.
 * Everything not exported here is internal and may change between versions.
 */
export {
  AgentRuntime,
  type AgentRuntimeOptions,
  type AgentTurnInput,
  loadAgentFile,
} from "./agents/index.js";
export { main } from "./cli/main.js";
export {
  createLlamaCpp,
  type LlamaCppProvider,
  type LlamaCppProviderSettings,
} from "./models/llamacpp/index.js";
export { ModelRegistry, type ModelRegistryOptions } from "./models/model-registry.js";
export { type CreateServerOptions, createServer } from "./server/create-server.js";
export { type AgentSpec, type AgentSpecInput, agentSpecSchema } from "./spec/agent.js";
export { AlambiqueError, type ErrorCode } from "./spec/errors.js";
export { type OpenStoreOptions, openStore } from "./store/index.js";
