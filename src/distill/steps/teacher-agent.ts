/**
 * The teacher acting as the agent, one customer message at a time, through
 * the agent's own turn steps (src/agents/turn): `retrieve`, `prepareModelCall`
 * (persona, rules, fenced passages with citation ids, history, the calls a
 * yes confirmed), `generateStructuredAnswer` with the agent's real tools in
 * `dryRun` (side effects simulated, read-only tools run) and `maxSteps`, and
 * `checkCitations`. What is the teacher's own is only what training data
 * needs, passed into those steps rather than copied from them: the model is
 * the teacher, nothing is persisted, the answer is structured (`{reply,
 * cited}`) so it can be validated, and every tool call and result is
 * recorded in the OpenAI chat shape.
 *
 * One `TeacherAgent` serves one conversation: citation ids are numbered once
 * for the whole of it (S1 means one passage from the first turn to the last),
 * and `systemPrompt()` is the prompt with every passage retrieved so far, so
 * the recorded example is self-consistent.
 */
import type { ToolSet } from "ai";
import {
  assemblePrompt,
  buildAgentTools,
  type CitationNumbering,
  checkCitations,
  collectPendingConfirmations,
  createCitationNumbering,
  createConfirmationGate,
  DEFAULT_CONTEXT_TOKENS,
  envSecrets,
  followUpQuery,
  generateStructuredAnswer,
  isAffirmative,
  McpConnections,
  nothingConfirmed,
  type PendingConfirmation,
  prepareModelCall,
  promptBudgetTokens,
  retrieve,
} from "../../agents/index.js";
import { fetchFor, type NetworkPolicy } from "../../agents/tools/public-network.js";
import type { TrainingMessage } from "../../spec/distill.js";
import type { ChunkHit } from "../../spec/knowledge.js";
import type { Message } from "../../spec/store.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { recordModelMessages, recordSteps } from "./record-steps.js";
import type { StepOptions } from "./step-options.js";

/** The teacher's answer to one customer message, or why there is none (the row is dropped with `reason`). */
export type TeacherAnswer =
  | { ok: true; text: string; handedOff: boolean }
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
  /**
   * Turns that happened before the teacher joined (a real conversation whose
   * next answer it writes): recorded as they are and shown as history. Their
   * citation markers are dropped: they number another turn's passages.
   */
  earlier?: ReadonlyArray<{ role: "user" | "assistant"; content: string }>;
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
  private readonly mcp: McpConnections;
  private readonly network: NetworkPolicy;
  private turns = 0;

  constructor(
    private readonly ctx: SynthContext,
    private readonly settings: TeacherAgentOptions,
  ) {
    // A tenant's webhooks and HTTP MCP servers reach public addresses only, as when its agent serves.
    const network = ctx.network ?? "public";
    this.network = network;
    this.mcp = new McpConnections(
      { name: "alambique-synth", version: "0.1.0" },
      network === "public" ? fetchFor(network) : undefined,
    );
    for (const { role, content } of settings.earlier ?? []) {
      const text = content.replace(/\s*\[S\d+(?:\s*,\s*S\d+)*\]/g, "");
      this.recorded.push({ role, content: text });
      this.history.push(historyMessage(role, text, this.history.length));
    }
  }

  /** The agent's answer to one customer message, recorded. Throws only what a retry may cure (see generateStructuredAnswer). */
  async answer(message: string, seed: number): Promise<TeacherAnswer> {
    const { ctx, settings } = this;
    const spec = ctx.agent.spec;
    const turn = ++this.turns;
    const query = followUpQuery(message, this.history);
    const { hits } = await retrieve(ctx.retriever, ctx.agent, query, settings.options.retrievalLimit);
    for (const hit of hits) if (!this.hits.has(hit.chunk.id)) this.hits.set(hit.chunk.id, hit);
    this.recorded.push({ role: "user", content: message });
    const pending = settings.tools ? this.pending : [];
    const call = await prepareModelCall({
      spec,
      language: settings.language,
      hits,
      history: this.history,
      message,
      contextTokens: DEFAULT_CONTEXT_TOKENS,
      now: settings.now,
      pending,
      confirmed: pending.length > 0 && (settings.accept ?? isAffirmative)(message),
      tools: async () => (settings.tools ? this.tools(message) : {}),
      numbering: this.numbering,
      confirmedIdPrefix: `confirmed-${turn}`,
      signal: ctx.signal,
    });
    this.recorded.push(...recordModelMessages(call.confirmedMessages));
    this.pending = [];

    const generated = await generateStructuredAnswer({
      model: ctx.teacher,
      call,
      useTools: settings.tools,
      maxSteps: spec.maxSteps,
      maxOutputTokens: settings.options.answerTokens,
      attempts: settings.options.attempts,
      seed,
      temperature: 0.7,
      signal: ctx.signal,
    });
    if (!generated.ok)
      return { ok: false, reason: "invalid_output", detail: `the agent's answer: ${generated.detail}` };
    const steps = generated.steps.filter((step) => step.toolCalls.length > 0);
    this.recorded.push(...recordSteps(steps));
    this.pending = collectPendingConfirmations(generated.steps, settings.now);
    const checked = checkCitations(generated.answer, this.numbering);
    if (!checked.ok) return { ok: false, reason: "low_groundedness", detail: checked.detail };
    for (const id of checked.chunkIds) this.citedChunkIds.add(id);
    const text = checked.text;
    this.recorded.push({ role: "assistant", content: text });
    this.history.push(
      historyMessage("user", message, this.history.length),
      historyMessage("assistant", text, this.history.length + 1),
    );
    const handedOff = steps.some((step) => step.toolCalls.some((c) => c.toolName === "handoff_to_human"));
    return { ok: true, text, handedOff };
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
        network: this.network,
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
