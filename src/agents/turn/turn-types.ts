import type { ToolSet } from "ai";
import type { Retriever } from "../../spec/knowledge.js";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { Conversation, Store } from "../../spec/store.js";
import type { Citation } from "../assemble-prompt.js";
import type { LoadedAgent } from "../loaded-agent.js";
import type { CitationNumbering } from "../tools/citation-numbering.js";
import type { PendingConfirmation } from "../tools/confirmation.js";
import type { ShadowQueue } from "./shadow-queue.js";

/** How the agent answered a turn. */
export type TurnMode = "model" | "retrieval" | "handoff" | "human" | "refusal" | "too_long" | "small_talk";

export interface TurnResult {
  /** The stored conversation's id; for a turn on a conversation the caller holds, a `scratch-…` id that names nothing stored. */
  conversationId: string;
  /** The conversation's status after the turn. */
  status: Conversation["status"];
  mode: TurnMode;
  language: string;
  /** The agent's answer; empty when a person is handling the conversation. */
  text: string;
  citations: Citation[];
  toolCalls: { name: string; input: unknown; output: unknown }[];
  usage: { inputTokens: number; outputTokens: number };
  latencyMs: number;
  /** Mean probability of the tokens the model chose, when asked (`TurnDeps.measureConfidence`) and its engine reports it. */
  tokenConfidence?: number;
  /** The persisted assistant message, when there is an answer and the conversation is stored. */
  messageId: string | null;
}

/**
 * A routed agent's student as the runtime watches it: `unavailable` (its file
 * is missing or did not load lately) sends the turn to the teacher before the
 * student is asked; a student that throws is `failed` (and the teacher
 * answers); one that answers is `answered`.
 */
export interface StudentHealth {
  unavailable: boolean;
  failed(error: unknown): void;
  answered(): void;
}

/** What a turn runs on: the parts its caller chose. */
export interface TurnDeps {
  store: Store;
  retriever: Retriever;
  /** The agent's model, or undefined in retrieval mode. */
  model: LanguageModelV3 | undefined;
  /** The teacher a student escalates to, with `routing` in the agent's spec (see generate-student-first.ts). */
  teacher?: LanguageModelV3 | undefined;
  /** Where the teacher's silent answers (routing `shadow`) wait and run; without one, no turn is shadowed. */
  shadows?: ShadowQueue | undefined;
  /** Whether a routed agent's student can answer now, and what it did (see `StudentWatch`). */
  studentHealth?: StudentHealth | undefined;
  /** Ask the model how sure it was of its answer (`TurnResult.tokenConfidence`): evaluation calibrates routing with it. */
  measureConfidence?: boolean;
  /** Context size of the model in tokens, for the history budget. */
  contextTokens: number;
  /**
   * The agent's tools for this conversation (null when it is not stored: tools
   * that need one, like the handoff, say so), numbering citations with
   * `cite`; `pending` are the calls waiting for the customer's confirmation
   * (see tools/confirmation.ts), which this turn's message may confirm.
   */
  tools: (
    conversation: Conversation | null,
    citations: CitationNumbering,
    pending: PendingConfirmation[],
  ) => Promise<ToolSet>;
  now: () => Date;
  /** Whether the customer's message says yes to the calls proposed last turn. Default `isAffirmative`. */
  accept?: (message: string) => boolean;
}

export interface TurnInput {
  agent: LoadedAgent;
  externalUserId: string;
  /** The customer's new message, as they wrote it. */
  message: string;
  /**
   * The conversation so far when the caller holds it (a client that sends
   * every message with each request, an evaluation replaying a test split):
   * the turn answers from it, and nothing is stored. Absent: the customer's
   * stored conversation is opened, and the turn is recorded in it.
   */
  conversation?: { history: ReadonlyArray<{ role: "user" | "assistant"; content: string }> };
  /** Called with each piece of the answer as it is shown. */
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}
