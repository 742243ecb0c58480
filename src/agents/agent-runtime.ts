import type { ToolSet } from "ai";
import { createRetriever } from "../knowledge/create-retriever.js";
import type { AgentSpec } from "../spec/agent.js";
import { NotFoundError } from "../spec/errors.js";
import type { Retriever } from "../spec/knowledge.js";
import type { ModelResolver } from "../spec/models.js";
import type { Conversation, Store } from "../spec/store.js";
import type { TurnLock } from "../spec/turn-lock.js";
import { AgentSpecCache } from "./agent-spec-cache.js";
import type { LoadedAgent } from "./loaded-agent.js";
import { StudentWatch, type StudentWatchLog } from "./student-watch.js";
import { buildAgentTools } from "./tools/build-agent-tools.js";
import type { CitationNumbering } from "./tools/citation-numbering.js";
import { createConfirmationGate, type PendingConfirmation } from "./tools/confirmation.js";
import { McpConnections } from "./tools/mcp-connections.js";
import { McpHealth, type McpServerStatus } from "./tools/mcp-health.js";
import { fetchFor, type NetworkPolicy } from "./tools/public-network.js";
import { tenantNetwork } from "./tools/tenant-network.js";
import { envSecrets } from "./tools/tool-context.js";
import { runAgentTurn } from "./turn/run-agent-turn.js";
import { ShadowQueue } from "./turn/shadow-queue.js";
import { DEFAULT_CONTEXT_TOKENS } from "./turn/turn-budget.js";
import type { TurnInput, TurnResult } from "./turn/turn-types.js";

export interface AgentRuntimeOptions {
  store: Store;
  models: ModelResolver;
  /** Secrets for tool headers and MCP env, by name. Default: environment variables. */
  secrets?: (name: string) => string | undefined;
  now?: () => Date;
  /** Synthetic-data runs: tools with side effects are simulated. */
  dryRun?: boolean;
  /** An agent's MCP sessions close after this long without a turn (they reopen on the next). Default 10 min. */
  mcpIdleMs?: number;
  /** Serialises one customer's turns across processes too (replicas on one PostgreSQL; see `TurnLock`). */
  turnLock?: TurnLock;
  /** Where a routed agent's student going missing, or coming back, is said (once each). */
  log?: StudentWatchLog;
  /** How often a routed agent's student file is looked at again, in ms (see `StudentWatch`). Default 5 s. */
  studentRecheckMs?: number;
  /** Routing's shadow answers: how many run at once, how many more may wait. Default 1 and 8. */
  shadows?: { concurrency: number; waiting: number };
  /**
   * Told when an MCP server of an agent starts failing (did not start, did not list its tools in time,
   * lacks a tool its spec names) or recovers: once per change, not every turn. `alambique chat` prints it.
   * The problem is also logged (`log.warn`) and kept in `mcpHealth` for `/readyz`.
   */
  onMcpStatus?: (agent: string, status: McpServerStatus) => void;
}

export interface AgentTurnInput {
  tenantId: string;
  /**
   * The agent's id or name, or the agent as `agent()` returned it to a caller
   * that has just looked it up (the HTTP route does), which saves loading it
   * twice. A loaded agent of another tenant is not found (NotFoundError).
   */
  agent: string | LoadedAgent;
  externalUserId: string;
  message: string;
  /** The conversation so far, when the caller holds it: nothing is stored (see `TurnInput.conversation`). */
  conversation?: TurnInput["conversation"];
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}

/** One agent's MCP sessions, and the turns using them. */
interface McpEntry {
  connections: McpConnections;
  usedAt: number;
  /** Turns running now. */
  active: number;
  /** Forgotten while in use: closed when the last of those turns ends. */
  retired: boolean;
}

/**
 * Serves agents: resolves an agent's model, retriever and tools, runs turns,
 * and keeps one set of MCP sessions per agent. Stateless between turns apart
 * from those sessions: everything else is in the store.
 *
 * Sessions close when their server leaves the agent's spec (next turn), when
 * the agent is removed (`forget`, called by the REST API), after `mcpIdleMs`
 * without a turn (which also covers agents removed by another process), and
 * on `dispose()`.
 *
 * Tools of every tenant but the operator's may only call public internet
 * addresses (see `public-network.ts`).
 */
export class AgentRuntime {
  private readonly mcp = new Map<string, McpEntry>();
  /** Parsed specs, reused while the stored spec is the same (see `AgentSpecCache`). */
  private readonly specs = new AgentSpecCache();
  /** The last turn of each customer (agent id + customer), which the next one waits for. */
  private readonly customers = new Map<string, Promise<void>>();
  private readonly now: () => Date;
  private readonly secrets: (name: string) => string | undefined;
  private readonly mcpIdleMs: number;
  private sweeper: NodeJS.Timeout | undefined;
  /** Routed agents' students: whether their file is there and loads (see `StudentWatch`). */
  private readonly students: StudentWatch;
  /** The teacher's silent answers of routing's shadow mode, off the customers' turns. */
  readonly shadows: ShadowQueue;
  /** The MCP servers failing now, as the last turn of each agent found them (shown by `/readyz`). */
  readonly mcpHealth = new McpHealth();

  constructor(private readonly options: AgentRuntimeOptions) {
    this.students = new StudentWatch({
      models: options.models,
      log: options.log,
      ...(options.studentRecheckMs !== undefined ? { recheckMs: options.studentRecheckMs } : {}),
    });
    this.shadows = new ShadowQueue(options.shadows);
    this.now = options.now ?? (() => new Date());
    this.secrets = options.secrets ?? envSecrets();
    this.mcpIdleMs = options.mcpIdleMs ?? 10 * 60_000;
  }

  /**
   * The stored agent by id or name, with its spec parsed (and deep-frozen: it
   * is shared with other turns). Throws NotFoundError.
   */
  async agent(tenantId: string, idOrName: string): Promise<LoadedAgent> {
    const { agents } = this.options.store;
    // Ids are UUIDs and names rarely look like one: the likelier lookup first, the other when it finds nothing.
    const record = uuidPattern.test(idOrName)
      ? ((await agents.get(tenantId, idOrName)) ?? (await agents.getByName(tenantId, idOrName)))
      : ((await agents.getByName(tenantId, idOrName)) ?? (await agents.get(tenantId, idOrName)));
    if (!record) throw agentNotFound(idOrName);
    return { ...record, spec: this.specs.parse(record) };
  }

  /**
   * One customer turn. Turns of the same customer with the same agent run one
   * after the other (in this process): two messages sent at once must not open
   * two conversations, interleave their replies, or both act on one "yes".
   */
  async turn(input: AgentTurnInput): Promise<TurnResult> {
    const agent =
      typeof input.agent === "string"
        ? await this.agent(input.tenantId, input.agent)
        : sameTenant(input.agent, input.tenantId);
    const key = `${agent.id}\u0000${input.externalUserId}`;
    const previous = this.customers.get(key) ?? Promise.resolve();
    const run = previous.then(() => {
      input.signal?.throwIfAborted();
      const lock = this.options.turnLock;
      return lock ? lock.hold(key, () => this.serve(agent, input)) : this.serve(agent, input);
    });
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.customers.set(key, settled);
    void settled.then(() => {
      if (this.customers.get(key) === settled) this.customers.delete(key);
    });
    return run;
  }

  /** Resolves what the agent's turn runs on (model, retriever, tools with MCP sessions) and runs it. */
  private async serve(agent: LoadedAgent, input: AgentTurnInput): Promise<TurnResult> {
    const { store, models } = this.options;
    const spec = agent.spec;
    const retriever = await this.retriever(spec);
    // Student-first routing: the teacher the student escalates to (the spec requires both models), and
    // whether the student is there at all: missing, it is not resolved and the teacher answers.
    const teacher =
      spec.routing && spec.fallbackModel ? await models.languageModel(spec.fallbackModel) : undefined;
    const studentHealth = teacher && spec.model ? await this.students.health(agent, spec.model) : undefined;
    const model = studentHealth?.unavailable
      ? teacher
      : spec.model
        ? await models.languageModel(spec.model)
        : undefined;
    // The model that answers first: its context bounds the prompt (the teacher's, while the student is missing).
    const first = studentHealth?.unavailable ? spec.fallbackModel : spec.model;
    const record = first ? await store.models.get(first) : undefined;
    // What the engine holds (a remote engine reports it; a catalog --context-size wins), else the catalog's.
    const contextTokens = first ? await models.contextTokens?.(first) : undefined;
    const turn: TurnInput = {
      agent,
      externalUserId: input.externalUserId,
      message: input.message,
      ...(input.conversation ? { conversation: input.conversation } : {}),
      ...(input.onDelta ? { onDelta: input.onDelta } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    };
    // Only a turn that builds tools (model mode) takes its agent's MCP sessions, and holds them until it
    // ends: idling and `forget` do not close them under it.
    let entry: McpEntry | undefined;
    try {
      return await runAgentTurn(
        {
          store,
          retriever,
          model,
          ...(teacher ? { teacher, studentHealth, shadows: this.shadows } : {}),
          contextTokens: contextTokens ?? record?.contextLength ?? DEFAULT_CONTEXT_TOKENS,
          now: this.now,
          tools: async (conversation, cite, pending) => {
            const network = await this.networkOf(agent.tenantId);
            if (!entry) {
              entry = this.entryFor(agent.id, network);
              entry.active += 1;
            }
            return this.tools({
              agent,
              entry,
              network,
              conversation,
              externalUserId: input.externalUserId,
              retriever,
              message: input.message,
              cite,
              pending,
            });
          },
        },
        turn,
      );
    } finally {
      if (entry) {
        entry.active -= 1;
        entry.usedAt = Date.now();
        if (entry.retired && entry.active === 0) void entry.connections.close();
      }
    }
  }

  /** Routed agents whose student failed to load or answer lately, one public line each (for `/readyz`). */
  studentProblems(): string[] {
    return this.students.problems();
  }

  /** Closes the MCP sessions of an agent that was removed or replaced (after the turns using them end). */
  async forget(agentId: string): Promise<void> {
    this.specs.delete(agentId);
    this.mcpHealth.forget(agentId);
    const entry = this.mcp.get(agentId);
    this.mcp.delete(agentId);
    if (!entry) return;
    entry.retired = true;
    if (entry.active === 0) await entry.connections.close();
  }

  /** How many agents have MCP sessions (connected or not). */
  get mcpAgents(): number {
    return this.mcp.size;
  }

  /** Closes every MCP session. */
  async dispose(): Promise<void> {
    this.shadows.close();
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    const all = [...this.mcp.values()];
    this.mcp.clear();
    await Promise.all(all.map(({ connections }) => connections.close()));
  }

  /** Closes the sessions of agents idle for `mcpIdleMs` (none in a turn). Runs on a timer; public for tests. */
  async closeIdle(now = Date.now()): Promise<void> {
    const idle = [...this.mcp].filter(
      ([, entry]) => entry.active === 0 && now - entry.usedAt >= this.mcpIdleMs,
    );
    for (const [id] of idle) this.mcp.delete(id);
    if (this.mcp.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
    await Promise.all(idle.map(([, { connections }]) => connections.close()));
  }

  private entryFor(agentId: string, network: NetworkPolicy): McpEntry {
    let entry = this.mcp.get(agentId);
    if (!entry) {
      const fetcher = network === "public" ? fetchFor(network) : undefined;
      entry = {
        connections: new McpConnections({ name: "alambique", version: "0.1.0" }, fetcher),
        usedAt: Date.now(),
        active: 0,
        retired: false,
      };
      this.mcp.set(agentId, entry);
      this.sweeper ??= setInterval(() => void this.closeIdle(), Math.max(1000, this.mcpIdleMs / 2)).unref();
    }
    return entry;
  }

  /** The operator's tenant may call anything; every other tenant, public addresses only. */
  private networkOf(tenantId: string): Promise<NetworkPolicy> {
    return tenantNetwork(this.options.store, tenantId);
  }

  private async retriever(spec: AgentSpec): Promise<Retriever> {
    const embed = spec.embeddingModel
      ? await this.options.models.embeddingModel(spec.embeddingModel)
      : undefined;
    return createRetriever({ store: this.options.store, ...(embed ? { embed } : {}) });
  }

  private async tools(turn: {
    agent: LoadedAgent;
    entry: McpEntry;
    network: NetworkPolicy;
    /** Null when the conversation is not stored (the caller holds it). */
    conversation: Conversation | null;
    externalUserId: string;
    retriever: Retriever;
    /** The customer's message: it may confirm `pending`. */
    message: string;
    cite: CitationNumbering;
    pending: PendingConfirmation[];
  }): Promise<ToolSet> {
    const { agent, entry, network, conversation, externalUserId, retriever, message, cite, pending } = turn;
    const { store } = this.options;
    // Servers no longer in the spec: their sessions end now.
    const servers = new Set(agent.spec.tools.filter((tool) => tool.type === "mcp").map((tool) => tool.name));
    await entry.connections.retain(servers);
    const connections = entry.connections;
    const tools = await buildAgentTools(
      agent.spec,
      {
        tenantId: agent.tenantId,
        agentId: agent.id,
        agent: agent.spec,
        conversationId: conversation?.id ?? null,
        externalUserId,
        store,
        retriever,
        now: this.now,
        secrets: this.secrets,
        dryRun: this.options.dryRun ?? false,
        network,
        confirmed: createConfirmationGate({ pending, customerReply: message, now: this.now() }),
        cite,
      },
      connections,
      { onMcpStatus: (status) => this.mcpStatus(agent, status) },
    );
    return tools;
  }

  private mcpStatus(agent: LoadedAgent, status: McpServerStatus): void {
    if (!this.mcpHealth.record(agent, status)) return;
    const fields = { agent: agent.name, mcpServer: status.server, problem: status.problem ?? null };
    if (status.problem) this.options.log?.warn(fields, status.message ?? "MCP server problem");
    else this.options.log?.info(fields, `the MCP server ${status.server} lists its tools again`);
    this.options.onMcpStatus?.(agent.name, status);
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function agentNotFound(idOrName: string): NotFoundError {
  return new NotFoundError(
    "agent",
    idOrName,
    "`alambique agents list` shows the agents; create one with `alambique agents create --file agent.yaml`",
  );
}

/** A loaded agent handed to `turn`, checked to be the caller's tenant's. */
function sameTenant(agent: LoadedAgent, tenantId: string): LoadedAgent {
  if (agent.tenantId !== tenantId) throw agentNotFound(agent.id);
  return agent;
}
