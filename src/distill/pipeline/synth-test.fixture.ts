/**
 * Test fixtures for the synthetic-data engine: the demo bakery (data/demo) in
 * a real SQLite store, with its knowledge ingested and the forged model in the
 * catalog, and a small real generation step — the forged teacher answering
 * with grammar-constrained JSON — to drive the engine until (and beside) the
 * full steps of src/distill/steps. The text is nonsense; the mechanics are real.
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateText, Output } from "ai";
import { z } from "zod";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import type { SynthRow } from "../../spec/distill.js";
import type { AgentRecord, Store, Tenant } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { type SynthSteps, type SynthTask, taskSeed } from "./synth-step.js";

export { demoAgentFile } from "../../agents/demo-agent.fixture.js";
export const FORGED_TEACHER = "forged-teacher";

export interface DemoSynthStore {
  dir: string;
  file: string;
  store: Store;
  tenant: Tenant;
  agent: AgentRecord;
}

/**
 * A store in a fresh temporary folder (or `dir`) with the demo agent, its
 * knowledge (BM25 only), and the forged model as `forged-teacher` (Apache-2.0,
 * one thread, a 4096-token context, priced 0.5/1.5 USD per million tokens).
 */
export async function demoSynthStore(
  dir = mkdtempSync(join(tmpdir(), "alq-synth-")),
): Promise<DemoSynthStore> {
  const file = join(dir, "alambique.db");
  const store = await openStore(file);
  const tenant = await defaultTenant(store);
  const { agent } = await seedDemoAgent(store, tenant.id);
  await addForgedTeacher(store);
  return { dir, file, store, tenant, agent };
}

export async function addForgedTeacher(
  store: Store,
  name = FORGED_TEACHER,
  facts: { licenseId?: string | null; outputsMayTrain?: boolean | null } = {},
): Promise<void> {
  await store.models.add({
    name,
    source: `gguf:${await forgedModelPath("tiny", 1)}`,
    architecture: "llama",
    parameterCount: null,
    quantization: null,
    contextLength: 4096,
    licenseId: facts.licenseId === undefined ? "apache-2.0" : facts.licenseId,
    licenseUrl: null,
    weightsOpenness: "open",
    dataOpenness: null,
    codeOpenness: null,
    outputsMayTrain: facts.outputsMayTrain === undefined ? true : facts.outputsMayTrain,
    metadata: { threads: 1, contextSize: 4096, pricePerMillionInput: 0.5, pricePerMillionOutput: 1.5 },
  });
}

const intents = ["horarios", "pedidos", "alergenos"] as const;
const qaSchema = z.object({ question: z.string().max(60), answer: z.string().max(80) });
const verdictSchema = z.object({
  groundedness: z.int().min(1).max(5),
  helpfulness: z.int().min(1).max(5),
  policy: z.int().min(1).max(5),
  languageMatch: z.int().min(1).max(5),
  rationale: z.string().max(40),
});

/**
 * A small real pipeline: plans `count` tasks over the agent's chunks ×
 * languages × three intents (keys `qa-000000`, …), asks the teacher for a
 * question and an answer as JSON, and lets the judge score it (dropping rows
 * it scores below 2 for groundedness). `maxTokens` bounds each call.
 */
export function forgedQaSteps(options: { maxTokens?: number } = {}): SynthSteps {
  const maxOutputTokens = options.maxTokens ?? 48;
  return {
    async plan(ctx, count) {
      // Every chunk of the agent (it has no vectors for this made-up model name).
      const chunks = await ctx.store.knowledge.chunksWithoutVectors(
        ctx.tenantId,
        ctx.agent.id,
        "synth-plan",
        10_000,
      );
      const ids = chunks.map((c) => c.id).sort();
      return Array.from({ length: count }, (_, i): SynthTask => {
        const language = ctx.languages[i % ctx.languages.length]!;
        const intent = intents[Math.floor(i / Math.max(1, ids.length)) % intents.length]!;
        return {
          key: `qa-${String(i).padStart(6, "0")}`,
          kind: "qa",
          cell: {
            chunkIds: [ids[i % ids.length]!],
            intent,
            language,
            persona: "vecina",
            difficulty: "easy",
            evolve: 0,
          },
        };
      });
    },
    async run(ctx, task) {
      const language = String(task.cell.language);
      const result = await generateText({
        model: ctx.teacher,
        output: Output.object({ schema: qaSchema }),
        prompt: `Write a customer question (${language}) about intent ${String(task.cell.intent)}, and its answer.`,
        seed: taskSeed(ctx.seed, task.key),
        temperature: 1,
        maxOutputTokens,
        maxRetries: 0,
        abortSignal: ctx.signal,
      });
      const { question, answer } = result.output;
      return {
        key: task.key,
        messages: [
          { role: "user", content: question },
          { role: "assistant", content: `${answer} [S1]` },
        ],
        intent: String(task.cell.intent),
        provenance: {
          kind: "qa",
          chunkIds: task.cell.chunkIds as string[],
          persona: "vecina",
          intent: String(task.cell.intent),
          difficulty: "easy",
          language,
          evolved: 0,
          teacher: ctx.teacherName,
          seed: ctx.seed,
        },
        judgement: null,
        dropped: null,
        dropDetail: null,
        usage: { inputTokens: 0, outputTokens: 0 },
      };
    },
    async judge(ctx, row): Promise<SynthRow> {
      const result = await generateText({
        model: ctx.judge!,
        output: Output.object({ schema: verdictSchema }),
        prompt: `Score this answer: ${JSON.stringify(row.messages)}`,
        seed: taskSeed(ctx.seed, row.key, 1),
        temperature: 1,
        maxOutputTokens,
        maxRetries: 0,
        abortSignal: ctx.signal,
      });
      const judgement = result.output;
      const low = judgement.groundedness < 2;
      return {
        ...row,
        judgement,
        dropped: low ? "low_groundedness" : null,
        dropDetail: low ? `groundedness ${judgement.groundedness}: ${judgement.rationale}` : null,
      };
    },
  };
}
