/**
 * The teacher acting as the agent, one customer message at a time, through
 * the runtime's own parts: the agent's retrieval, `assemblePrompt` (persona,
 * rules, fenced passages with citation ids, history), the agent's real tools
 * with `dryRun` (side effects simulated, read-only tools run), the
 * confirmation protocol, and `maxSteps`. What differs from `runTurn` is only
 * what training data needs: the model is the teacher, nothing is persisted,
 * the final answer is structured (`{reply, cited}`) so it can be validated,
 * and every tool call and result is recorded in the OpenAI chat shape.
 *
 * One `TeacherAgent` serves one conversation: citation ids are numbered once
 * for the whole of it (S1 means one passage from the first turn to the last),
 * and `systemPrompt()` is the prompt with every passage retrieved so far, so
 * the recorded example is self-consistent.
 */
import { generateText, type ModelMessage, Output, stepCountIs, type ToolSet } from "ai";
import { z } from "zod";
import {
  assemblePrompt,
  buildAgentTools,
  type CitationNumbering,
  citedIds,
  collectPendingConfirmations,
  createCitationNumbering,
  createConfirmationGate,
  envSecrets,
  isAffirmative,
  McpConnections,
  nothingConfirmed,
  type PendingConfirmation,
  promptBudgetTokens,
  runConfirmedCalls,
} from "../../agents/index.js";
import type { TrainingMessage } from "../../spec/distill.js";
import type { ChunkHit } from "../../spec/knowledge.js";
import type { Message } from "../../spec/store.js";
import { isInvalidOutput } from "../pipeline/retry-policy.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { describeError, describeIssues, generateStructured } from "./generate-structured.js";
import { recordModelMessages, recordSteps } from "./record-steps.js";
import type { StepOptions } from "./step-options.js";

const replyInstruction =
  '\n\nWhen you have your answer, reply with JSON only: {"reply": "what you say to the customer, citing the documents you used like [S1]", "cited": ["S1"]}. To use a tool, call it instead.';

export type TurnOutcome =
  | { ok: true; reply: string; handedOff: boolean }
  | { ok: false; reason: "invalid_output" | "low_groundedness"; detail: string };

export interface TeacherAgentOptions {
  language: string;
  now: Date;
  /** Give the agent its tools (conversations) or not (single answers). */
  tools: boolean;
  /** Names this synthetic customer in tool calls (`ToolContext.externalUserId`). */
  customerId: string;
  /** Whether a customer's message says yes to the calls proposed last turn, as the runtime's turn judges it. Default `isAffirmative`. */
  accept?: (message: string) => boolean;
  options: StepOptions;
}

export class TeacherAgent {
  readonly numbering: CitationNumbering = createCitationNumbering();
  /** The conversation as training messages (no system message: see `systemPrompt`). */
  readonly recorded: TrainingMessage[] = [];
  /** Chunk ids of the passages the replies cited. */
  readonly citedChunkIds = new Set<string>();
  private readonly hits = new Map<string, ChunkHit>();
  private readonly history: Message[] = [];
  private pending: PendingConfirmation[] = [];
  private readonly mcp = new McpConnections({ name: "alambique-synth", version: "0.1.0" });
  private turns = 0;

  constructor(
    private readonly ctx: SynthContext,
    private readonly settings: TeacherAgentOptions,
  ) {}

  /** The agent's answer to one customer message, recorded. Throws only what a retry may cure (see generateStructured). */
  async reply(message: string, seed: number): Promise<TurnOutcome> {
    const { ctx, settings } = this;
    const spec = ctx.agent.spec;
    const turn = ++this.turns;
    const found = await ctx.retriever.search({
      tenantId: ctx.tenantId,
      agentId: ctx.agent.id,
      query: message,
      limit: settings.options.retrievalLimit,
    });
    for (const hit of found) if (!this.hits.has(hit.chunk.id)) this.hits.set(hit.chunk.id, hit);
    const prompt = assemblePrompt({
      cite: this.numbering.cite,
      spec,
      language: settings.language,
      hits: found,
      history: this.history,
      message,
      budgetTokens: promptBudgetTokens(),
      now: settings.now,
    });
    this.recorded.push({ role: "user", content: message });
    const tools = settings.tools ? await this.tools(message) : {};
    const messages: ModelMessage[] = [...prompt.messages];
    if (settings.tools && this.pending.length > 0 && (settings.accept ?? isAffirmative)(message)) {
      const confirmed = await runConfirmedCalls(tools, this.pending, {
        abortSignal: ctx.signal,
        idPrefix: `confirmed-${turn}`,
      });
      messages.push(...confirmed.messages);
      this.recorded.push(...recordModelMessages(confirmed.messages));
    }
    this.pending = [];

    const schema = z
      .object({
        reply: z.string().trim().min(1).max(4000),
        cited: z.array(z.string().regex(/^S\d+$/)).max(20),
      })
      .strict();
    let value: z.infer<typeof schema> | undefined;
    let detail = "";
    let handedOff = false;
    for (let attempt = 0; attempt < settings.options.attempts && value === undefined; attempt++) {
      try {
        const result = await generateText({
          model: ctx.teacher,
          system: prompt.system + replyInstruction,
          messages,
          ...(settings.tools ? { tools, stopWhen: stepCountIs(spec.maxSteps) } : {}),
          output: Output.object({ schema }),
          maxOutputTokens: settings.options.answerTokens,
          temperature: 0.7,
          seed: (seed + attempt * 7919) & 0x7fffffff,
          maxRetries: 0,
          abortSignal: ctx.signal,
        });
        const steps = result.steps.filter((step) => step.toolCalls.length > 0);
        const parsed = schema.safeParse(
          await finalOutput(result, () =>
            this.finish(prompt.system, messages, result.response.messages, schema, seed),
          ),
        );
        if (!parsed.success) {
          detail = describeIssues(parsed.error);
          continue;
        }
        value = parsed.data;
        this.recorded.push(...recordSteps(steps));
        this.pending = collectPendingConfirmations(result.steps, settings.now);
        handedOff = steps.some((step) => step.toolCalls.some((call) => call.toolName === "handoff_to_human"));
      } catch (error) {
        if (ctx.signal.aborted || !isInvalidOutput(error)) throw error;
        detail = describeError(error);
      }
    }
    if (value === undefined)
      return {
        ok: false,
        reason: "invalid_output",
        detail: `the agent's answer: no valid JSON after ${settings.options.attempts} attempts: ${detail}`,
      };

    const allowed = new Map(this.numbering.cited().map((c) => [c.id, c.chunkId]));
    const cited = [...new Set([...citedIds(value.reply), ...value.cited])];
    const unknown = cited.filter((id) => !allowed.has(id));
    if (unknown.length > 0)
      return {
        ok: false,
        reason: "low_groundedness",
        detail: `the answer cites ${unknown.join(", ")}, which ${unknown.length === 1 ? "is" : "are"} not among the retrieved passages (${[...allowed.keys()].join(", ") || "none"})`,
      };
    for (const id of cited) this.citedChunkIds.add(allowed.get(id)!);
    const missing = value.cited.filter((id) => !citedIds(value.reply).includes(id));
    const reply = missing.length > 0 ? `${value.reply} [${missing.join(", ")}]` : value.reply;
    this.recorded.push({ role: "assistant", content: reply });
    this.history.push(
      historyMessage("user", message, this.history.length),
      historyMessage("assistant", reply, this.history.length + 1),
    );
    return { ok: true, reply, handedOff };
  }

  /** The system prompt of the recorded example: the runtime's, with every passage retrieved in the conversation. */
  systemPrompt(): string {
    const order = new Map(this.numbering.cited().map((c, i) => [c.chunkId, i]));
    const hits = [...this.hits.values()].sort(
      (a, b) => (order.get(a.chunk.id) ?? 0) - (order.get(b.chunk.id) ?? 0),
    );
    return assemblePrompt({
      cite: this.numbering.cite,
      spec: this.ctx.agent.spec,
      language: this.settings.language,
      hits,
      history: [],
      message: "",
      budgetTokens: promptBudgetTokens(),
      now: this.settings.now,
    }).system;
  }

  async close(): Promise<void> {
    await this.mcp.close();
  }

  private async tools(message: string): Promise<ToolSet> {
    const { ctx, settings } = this;
    return buildAgentTools(
      ctx.agent.spec,
      {
        tenantId: ctx.tenantId,
        agentId: ctx.agent.id,
        agent: ctx.agent.spec,
        conversationId: null,
        externalUserId: settings.customerId,
        store: ctx.store,
        retriever: ctx.retriever,
        now: () => settings.now,
        secrets: envSecrets(),
        dryRun: true,
        confirmed:
          this.pending.length > 0
            ? createConfirmationGate({
                pending: this.pending,
                customerReply: message,
                now: settings.now,
                ...(settings.accept ? { accept: settings.accept } : {}),
              })
            : nothingConfirmed,
        cite: this.numbering,
      },
      this.mcp,
    );
  }

  /** The loop ended on a tool call (maxSteps): one more call, without tools, for the answer. */
  private async finish(
    system: string,
    messages: ModelMessage[],
    response: ModelMessage[],
    schema: z.ZodType<unknown>,
    seed: number,
  ) {
    const result = await generateStructured({
      model: this.ctx.teacher,
      schema,
      system: system + replyInstruction,
      messages: [...messages, ...response],
      maxOutputTokens: this.settings.options.answerTokens,
      seed: seed + 1,
      signal: this.ctx.signal,
      attempts: 1,
    });
    return result.ok ? result.value : undefined;
  }
}

/** `result.output`, or the finishing call's when the last step was a tool call. */
async function finalOutput(
  result: { output: unknown; finishReason: string },
  finish: () => Promise<unknown>,
): Promise<unknown> {
  if (result.finishReason === "tool-calls") return finish();
  try {
    return result.output;
  } catch (error) {
    if (isInvalidOutput(error)) return finish();
    throw error;
  }
}

function historyMessage(role: "user" | "assistant", content: string, index: number): Message {
  return {
    id: `synth-${index}`,
    conversationId: "synth",
    seq: index + 1,
    role,
    content,
    metadata: {},
    createdAt: new Date(0).toISOString(),
  };
}
