import type { ModelMessage, ToolSet } from "ai";
import type { AgentSpec } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import type { RetrievedHit } from "../../spec/knowledge.js";
import type { Message } from "../../spec/store.js";
import { assemblePrompt } from "../assemble-prompt.js";
import { type CitationNumbering, createCitationNumbering } from "../tools/citation-numbering.js";
import { type PendingConfirmation, runConfirmedCalls } from "../tools/confirmation.js";
import { promptBudgetTokens } from "./turn-budget.js";

export interface ModelCall {
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  numbering: CitationNumbering;
  /** Calls the customer said yes to, run before the model: recorded with this turn's tool calls. */
  confirmedCalls: { name: string; input: JsonValue; output: unknown }[];
  /** The same calls as the model is shown them (an assistant tool-call message and its results), already in `messages`. */
  confirmedMessages: ModelMessage[];
  summarisedTurns: number;
}

/**
 * Step 5: the prompt (persona, rules, fenced passages with citation ids, the
 * history the context allows) and the tools; when the customer said yes to
 * calls proposed last turn, those calls run now, so that even a small model
 * only has to report the outcome.
 *
 * Citation ids come from `numbering` when the caller keeps one for a whole
 * conversation (the teacher: S1 means one passage from the first turn to the
 * last), or from a fresh one per turn (the runtime: the stored answer names
 * its passages by chunk id).
 */
export async function prepareModelCall(input: {
  spec: AgentSpec;
  language: string;
  hits: RetrievedHit[];
  history: Message[];
  message: string;
  contextTokens: number;
  now: Date;
  pending: PendingConfirmation[];
  /** The customer said yes to `pending`. */
  confirmed: boolean;
  tools: (numbering: CitationNumbering) => Promise<ToolSet>;
  numbering?: CitationNumbering | undefined;
  /** Ids of the confirmed calls are `${prefix}-1`, `${prefix}-2`… Default "confirmed". */
  confirmedIdPrefix?: string | undefined;
  signal?: AbortSignal | undefined;
}): Promise<ModelCall> {
  const numbering = input.numbering ?? createCitationNumbering();
  const prompt = assemblePrompt({
    cite: numbering.cite,
    spec: input.spec,
    language: input.language,
    hits: input.hits,
    history: input.history,
    message: input.message,
    budgetTokens: promptBudgetTokens(input.contextTokens),
    now: input.now,
  });
  const tools = await input.tools(numbering);
  const confirmedCalls: ModelCall["confirmedCalls"] = [];
  const confirmedMessages: ModelMessage[] = [];
  if (input.confirmed && input.pending.length > 0) {
    const ran = await runConfirmedCalls(tools, input.pending, {
      ...(input.signal ? { abortSignal: input.signal } : {}),
      ...(input.confirmedIdPrefix ? { idPrefix: input.confirmedIdPrefix } : {}),
    });
    prompt.messages.push(...ran.messages);
    confirmedMessages.push(...ran.messages);
    for (const [i, call] of input.pending.entries()) {
      confirmedCalls.push({ name: call.toolName, input: call.args, output: ran.outputs[i] });
    }
  }
  return {
    system: prompt.system,
    messages: prompt.messages,
    tools,
    numbering,
    confirmedCalls,
    confirmedMessages,
    summarisedTurns: prompt.summarisedTurns,
  };
}
