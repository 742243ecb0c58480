import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { AgentRuntime } from "../../src/agents/agent-runtime.js";
import { loadAgentFile } from "../../src/agents/load-agent-file.js";
import { phrases, pick } from "../../src/agents/localized.js";
import { foldText } from "../../src/knowledge/fold-text.js";
import { ingestSources } from "../../src/knowledge/ingest-sources.js";
import { ModelRegistry } from "../../src/models/model-registry.js";
import type { AgentSpec } from "../../src/spec/agent.js";
import type { JsonValue } from "../../src/spec/json.js";
import { openStore } from "../../src/store/index.js";

/** What the customer must read: an answer from the documents, or one of the runtime's routes. */
export type Expected = "answer" | "not_found" | "handoff" | "refusal" | "greeting";

/**
 * One question of the answer-level evaluation, written as a customer would
 * type it (typos and all), never reworded to make it pass.
 */
export interface AnswerCase {
  /** Earlier messages of the same customer (a follow-up's previous turn). */
  before?: string[];
  ask: string;
  lang: "es" | "en";
  /** Default "answer". */
  expect?: Expected;
  /** For an answer: the answer must contain one of these (case and accents ignored). */
  fact?: string[];
  /** For an answer: the file name the answer must cite first. */
  source?: string;
  /**
   * Written after the fixes this evaluation drove and never tuned on: reported
   * apart, as an estimate of how a business nobody tuned for fares.
   */
  heldOut?: boolean;
}

export interface EvalBusiness {
  name: string;
  trade: string;
  agentFile: string;
  cases: AnswerCase[];
}

export interface CaseResult {
  case: AnswerCase;
  text: string;
  mode: string;
  cited: string | undefined;
  fact: boolean;
  source: boolean;
  handoff: boolean;
}

/**
 * How the agent retrieves: `lexical` with no embedding model (BM25 re-ranked,
 * the lexicon); `hybrid` with `embeddingModel` set to the GGUF at
 * `embeddingModel` (the knowledge embedded with it at ingestion, as
 * `knowledge add` does): vector and full-text search fused.
 */
export type RetrievalMode = { kind: "lexical" } | { kind: "hybrid"; embeddingModel: string };

/** Wednesday 2 December 2026, 10:30 in Madrid: every business is open. */
export const EVAL_NOW = new Date("2026-12-02T09:30:00Z");

/**
 * Plays every case of `business` through the real turn (AgentRuntime →
 * runAgentTurn) with no model: a fresh SQLite store, the agent file's
 * knowledge ingested as `alambique knowledge add` would, one conversation per
 * case (its `before` messages first). Judges what the customer reads.
 */
export async function evaluateBusiness(
  business: EvalBusiness,
  mode: RetrievalMode = { kind: "lexical" },
): Promise<CaseResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "alq-answers-"));
  const store = await openStore(join(dir, "alambique.db"));
  const models = new ModelRegistry({ store, llamacpp: { threads: 1, gpu: false } });
  const runtime = new AgentRuntime({ store, models, now: () => EVAL_NOW });
  try {
    const tenantId = (await store.tenants.create({ slug: "answers", name: "Answers" })).id;
    const loaded = loadAgentFile(business.agentFile);
    const spec: AgentSpec =
      mode.kind === "hybrid" ? { ...loaded.spec, embeddingModel: mode.embeddingModel } : loaded.spec;
    const agent = await store.agents.create({
      tenantId,
      name: spec.name,
      spec: spec as unknown as Record<string, JsonValue>,
    });
    await ingestSources({
      store,
      tenantId,
      agentId: agent.id,
      paths: loaded.knowledgePaths,
      baseDir: dirname(business.agentFile),
      ...(mode.kind === "hybrid"
        ? {
            embed: await models.embeddingModel(mode.embeddingModel),
            embeddingModelName: mode.embeddingModel,
          }
        : {}),
    });
    const results: CaseResult[] = [];
    for (const [i, item] of business.cases.entries()) {
      const turn = (message: string) =>
        runtime.turn({ tenantId, agent: agent.id, externalUserId: `case-${i}`, message });
      for (const message of item.before ?? []) await turn(message);
      const answer = await turn(item.ask);
      results.push(judge(item, spec, answer));
    }
    return results;
  } finally {
    await runtime.dispose();
    await models.dispose();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function judge(
  item: AnswerCase,
  spec: AgentSpec,
  turn: { text: string; mode: string; status: string; citations: { uri: string }[] },
): CaseResult {
  const expected = item.expect ?? "answer";
  const text = foldText(turn.text);
  const cited = turn.citations[0]?.uri;
  const route = {
    not_found: pick(undefined, item.lang, phrases.notFound),
    handoff: pick(spec.handoff.message, item.lang, phrases.handoff),
    refusal: pick(spec.guardrails.refusal, item.lang, phrases.refusal),
    greeting: pick(spec.greeting, item.lang, phrases.greeting),
  };
  const fact =
    expected === "answer"
      ? turn.mode === "retrieval" && (item.fact ?? []).some((f) => text.includes(foldText(f)))
      : text.includes(foldText(route[expected]));
  return {
    case: item,
    text: turn.text,
    mode: turn.mode,
    cited,
    fact,
    source: expected === "answer" ? item.source === undefined || cited === item.source : cited === undefined,
    handoff: (turn.status === "waiting_human") === (expected === "handoff"),
  };
}

export interface Share {
  cases: number;
  facts: number;
  sources: number;
  handoffs: number;
}

/**
 * Shares (0..1) of right facts, sources and handoff decisions, per language
 * and overall, of the cases that are not held out; `heldOut` for those that are.
 */
export function summarise(all: readonly CaseResult[]): Record<"es" | "en" | "all" | "heldOut", Share> {
  const results = all.filter((r) => !r.case.heldOut);
  const share = (of: readonly CaseResult[]): Share => ({
    cases: of.length,
    facts: of.filter((r) => r.fact).length / (of.length || 1),
    sources: of.filter((r) => r.source).length / (of.length || 1),
    handoffs: of.filter((r) => r.handoff).length / (of.length || 1),
  });
  return {
    es: share(results.filter((r) => r.case.lang === "es")),
    en: share(results.filter((r) => r.case.lang === "en")),
    all: share(results),
    heldOut: share(all.filter((r) => r.case.heldOut)),
  };
}
