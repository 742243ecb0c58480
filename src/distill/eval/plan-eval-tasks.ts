/**
 * The plan of an evaluation: one task per customer turn of each test row and
 * per repeat, in the rows' order. A task replays its turn on the row's
 * conversation so far (the customer's and the agent's words as the dataset
 * has them, so both models answer the same question in the same context), and
 * carries the tool calls the row made on that turn, which both models are
 * scored against. Deterministic: a resumed job plans the same keys.
 */
import type { SynthRow, TrainingMessage } from "../../spec/distill.js";
import type { JsonValue } from "../../spec/json.js";

export interface ExpectedCall {
  name: string;
  /** The arguments as JSON; the raw text when the row's arguments do not parse. */
  input: JsonValue;
}

export interface EvalTask {
  key: string;
  ordinal: number;
  rowKey: string;
  /** 0-based customer turn of the row. */
  turn: number;
  /** 0-based run of the turn (pass^k). */
  repeat: number;
  history: { role: "user" | "assistant"; content: string }[];
  message: string;
  expectedCalls: ExpectedCall[];
  language: string;
  intent: string;
  chunkIds: string[];
}

export function planEvalTasks(rows: readonly SynthRow[], repeats: number): EvalTask[] {
  const tasks: EvalTask[] = [];
  for (const row of rows) {
    const turns = customerTurns(row.messages);
    turns.forEach((turn, t) => {
      for (let repeat = 0; repeat < repeats; repeat++) {
        tasks.push({
          key: `${row.key}#t${t}#r${repeat}`,
          ordinal: tasks.length,
          rowKey: row.key,
          turn: t,
          repeat,
          history: turn.history,
          message: turn.message,
          expectedCalls: turn.calls,
          language: row.provenance.language,
          intent: row.intent,
          chunkIds: row.provenance.chunkIds,
        });
      }
    });
  }
  return tasks;
}

/** Each customer message with the conversation before it and the calls the agent made answering it. */
export function customerTurns(messages: readonly TrainingMessage[]): {
  history: EvalTask["history"];
  message: string;
  calls: ExpectedCall[];
}[] {
  const turns: ReturnType<typeof customerTurns> = [];
  const history: EvalTask["history"] = [];
  for (const message of messages) {
    if (message.role === "user") {
      turns.push({ history: [...history], message: message.content, calls: [] });
      history.push({ role: "user", content: message.content });
    } else if (message.role === "assistant") {
      for (const call of message.tool_calls ?? [])
        turns
          .at(-1)
          ?.calls.push({ name: call.function.name, input: parseArguments(call.function.arguments) });
      if (message.content) history.push({ role: "assistant", content: message.content });
    }
  }
  return turns;
}

function parseArguments(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}
