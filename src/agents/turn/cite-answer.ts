import { sanitizeCustomerText } from "../../safety/sanitize-customer-text.js";
import type { JsonValue } from "../../spec/json.js";
import { type Citation, citedIds } from "../assemble-prompt.js";
import { phrases, pick } from "../localized.js";
import { canonicalJson } from "../tools/canonical-json.js";
import type { CitationNumbering } from "../tools/citation-numbering.js";
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

export type CheckedCitations = { ok: true; text: string; chunkIds: string[] } | { ok: false; detail: string };

/**
 * Step 7 for a structured answer (see generate-structured-answer.ts): every
 * id it cites, in its text or in `cited`, must be a passage it was shown,
 * or the answer is not grounded. Ids listed in `cited` but missing from the
 * text are appended to it, so the text names every source it used.
 */
export function checkCitations(
  answer: { reply: string; cited: string[] },
  numbering: Pick<CitationNumbering, "cited">,
): CheckedCitations {
  const allowed = new Map(numbering.cited().map((c) => [c.id, c.chunkId]));
  const inText = citedIds(answer.reply);
  const cited = [...new Set([...inText, ...answer.cited])];
  const unknown = cited.filter((id) => !allowed.has(id));
  if (unknown.length > 0)
    return {
      ok: false,
      detail: `the answer cites ${unknown.join(", ")}, which ${unknown.length === 1 ? "is" : "are"} not among the retrieved passages (${[...allowed.keys()].join(", ") || "none"})`,
    };
  const missing = answer.cited.filter((id) => !inText.includes(id));
  return {
    ok: true,
    text: missing.length > 0 ? `${answer.reply} [${missing.join(", ")}]` : answer.reply,
    chunkIds: cited.map((id) => allowed.get(id)!),
  };
}
