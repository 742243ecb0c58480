/**
 * What other layers (server, distill, cli) may use of `src/agents`: the
 * runtime and its turn, agent files, the desk, and the turn's steps that
 * callers without a conversation to persist (the teacher, evaluation) compose. Everything else in this folder is internal.
 */
export { AgentRuntime, type AgentRuntimeOptions, type AgentTurnInput } from "./agent-runtime.js";
export { type AssembledPrompt, assemblePrompt, type Citation, citedIds } from "./assemble-prompt.js";
export { type AgentReferenceContext, checkAgentReferences } from "./check-agent-references.js";
export { ConversationDesk } from "./conversation-desk.js";
export { type LoadedAgentFile, loadAgentFile } from "./load-agent-file.js";
export type { LoadedAgent } from "./loaded-agent.js";
export { type Localized, phrases, pick } from "./localized.js";
export { saveAgent } from "./save-agent.js";
export {
  buildAgentTools,
  type CitationNumbering,
  checkAgentTools,
  collectPendingConfirmations,
  createCitationNumbering,
  createConfirmationGate,
  envSecrets,
  isAffirmative,
  McpConnections,
  nothingConfirmed,
  type PendingConfirmation,
  runConfirmedCalls,
} from "./tools/index.js";
export { isPublicAddress } from "./tools/public-network.js";
export { toModelOutput } from "./tools/tool-result.js";
export { testWebhookCall, type WebhookTestCall } from "./tools/webhook-test-call.js";
export { checkCitations } from "./turn/cite-answer.js";
export { followUpQuery } from "./turn/follow-up-query.js";
export {
  generateStructuredAnswer,
  type StructuredAnswer,
  structuredAnswerSchema,
} from "./turn/generate-structured-answer.js";
export { MAX_MESSAGE_CHARS } from "./turn/guard-input.js";
export { type ModelCall, prepareModelCall } from "./turn/prepare-model-call.js";
export { retrieve } from "./turn/retrieve.js";
export { runAgentTurn } from "./turn/run-agent-turn.js";
export { ANSWER_TOKENS, DEFAULT_CONTEXT_TOKENS, promptBudgetTokens } from "./turn/turn-budget.js";
export type { TurnDeps, TurnInput, TurnMode, TurnResult } from "./turn/turn-types.js";
