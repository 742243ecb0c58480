import { sanitizeCustomerText } from "../../safety/sanitize-customer-text.js";
import type { JsonValue } from "../../spec/json.js";
import { type Citation, citedIds } from "../assemble-prompt.js";
import { phrases, pick } from "../localized.js";
import { canonicalJson } from "../tools/canonical-json.js";
import { collectPendingConfirmations, type PendingConfirmation } from "../tools/confirmation.js";
import type { GeneratedAnswer } from "./generate-answer.js";
import type { ModelCall } from "./prepare-model-call.js";

export interface CitedAnswer {
  /** The answer as stored: the model's words, then, when calls wait for a yes, what a yes will run. */
  text: string;
  /** What to show after what has streamed already (the confirmation block), or "". */
  appended: string;
  citations: Citation[];
  toolCalls: { name: string; input: unknown; output: unknown }[];
  /** Calls proposed this turn that wait for the customer's yes. */
  awaiting: PendingConfirmation[];
}

/**
 * Step 7: the passages the answer really cites ([S1]… in its text), every
 * tool call of the turn, and the calls that now wait for a yes, described in
 * the runtime's own words whatever the model wrote (a small model may not have
 * asked at all). A call that ran on this turn's yes is not asked again.
 */
export function citeAnswer(input: {
  call: ModelCall;
  generated: GeneratedAnswer;
  language: string;
  now: Date;
}): CitedAnswer {
  const { call, generated, language } = input;
  const toolCalls = [
    ...call.confirmedCalls,
    ...generated.steps.flatMap((step) =>
      step.toolResults.map((r) => ({ name: r.toolName, input: r.input, output: r.output })),
    ),
  ];
  const used = citedIds(generated.text);
  const citations = call.numbering
    .cited()
    .filter((c) => used.includes(c.id))
    .map((c) => ({
      id: c.id,
      chunkId: c.chunkId,
      uri: c.source,
      location: sanitizeCustomerText(c.location),
    }));
  const ran = new Set(call.confirmedCalls.map((c) => key(c.name, c.input)));
  const awaiting = collectPendingConfirmations(generated.steps, input.now).filter(
    (c) => !ran.has(key(c.toolName, c.args)),
  );
  let text = generated.text.trim();
  let appended = "";
  if (awaiting.length > 0) {
    const block = sanitizeCustomerText(
      `${pick(undefined, language, phrases.confirm)}\n${awaiting.map((c) => `- ${c.summary}`).join("\n")}`,
    );
    appended = `${text ? "\n\n" : ""}${block}`;
    text = text ? `${text}\n\n${block}` : block;
  }
  return { text, appended, citations, toolCalls, awaiting };
}

function key(name: string, input: JsonValue | unknown): string {
  return `${name}\u0000${canonicalJson(input as JsonValue)}`;
}
