/**
 * Pieces of bench/synth.ts: the server process and its busy-time counter,
 * the demo store, a model-free step (the engine's own cost), and the bare
 * client loops the pipeline is compared with.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateText, Output } from "ai";
import { z } from "zod";
import { loadAgentFile } from "../src/agents/load-agent-file.js";
import { type SynthSteps, taskSeed } from "../src/distill/pipeline/synth-step.js";
import { ingestSources } from "../src/knowledge/ingest-sources.js";
import type { JsonValue } from "../src/spec/json.js";
import type { LanguageModelV3 } from "../src/spec/models.js";
import type { Store, Tenant } from "../src/spec/store.js";
import { defaultTenant } from "../src/store/default-tenant.js";
import { openStore } from "../src/store/open-store.js";

export interface ServerStats {
  busyMs: number;
  requests: number;
  atMs: number;
}

export interface BenchServer {
  port: number;
  stats(): Promise<ServerStats>;
  setLatency(ms: number): Promise<void>;
  stop(): void;
}

export async function startBenchServer(): Promise<BenchServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./synth-server.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  // Every question carries an id and is answered with it: answers never go to the wrong question.
  let asked = 0;
  const ask = <T>(message: object, type: string) =>
    new Promise<T>((resolve) => {
      const id = ++asked;
      const listen = (m: { type: string; id?: number }) => {
        if (m.type !== type || (m.id !== undefined && m.id !== id)) return;
        child.off("message", listen);
        resolve(m as T);
      };
      child.on("message", listen);
      if (Object.keys(message).length > 0) child.send({ ...message, id });
    });
  const { port } = await ask<{ port: number }>({}, "ready");
  return {
    port,
    stats: () => ask<ServerStats>({ type: "stats" }, "stats"),
    setLatency: async (ms) => {
      await ask({ type: "latency", ms }, "latency");
    },
    stop: () => child.send({ type: "stop" }),
  };
}

/** The demo bakery in a store in a fresh temporary folder, and the server's model as `instant-teacher`. */
export async function benchStore(port: number): Promise<{ dir: string; store: Store; tenant: Tenant }> {
  const dir = mkdtempSync(join(tmpdir(), "alq-bench-synth-"));
  const store = await openStore(join(dir, "alambique.db"));
  return { dir, store, tenant: await seedBakeryWithTeacher(store, port) };
}

/** Into `store`: the demo bakery with its knowledge, and the bench server on `port` as `instant-teacher`. */
export async function seedBakeryWithTeacher(store: Store, port: number): Promise<Tenant> {
  const tenant = await defaultTenant(store);
  const agentFile = fileURLToPath(new URL("../data/demo/agent.yaml", import.meta.url));
  const loaded = loadAgentFile(agentFile);
  const agent = await store.agents.create({
    tenantId: tenant.id,
    name: loaded.spec.name,
    spec: loaded.spec as unknown as Record<string, JsonValue>,
  });
  await ingestSources({
    store,
    tenantId: tenant.id,
    agentId: agent.id,
    paths: loaded.knowledgePaths,
    baseDir: join(agentFile, ".."),
  });
  await store.models.add({
    name: "instant-teacher",
    source: `url:http://127.0.0.1:${port}/v1`,
    architecture: null,
    parameterCount: null,
    quantization: null,
    contextLength: 131072,
    licenseId: "apache-2.0",
    licenseUrl: null,
    weightsOpenness: "open",
    dataOpenness: null,
    codeOpenness: null,
    outputsMayTrain: true,
    metadata: { remoteModel: "instant", pricePerMillionInput: 0.1, pricePerMillionOutput: 0.4 },
  });
  return tenant;
}

const words = (
  "pan tarta horno masa harina levadura centeno espelta croissant ensaimada chocolate crema nata miel " +
  "sourdough rye loaf crust oven flour butter almond cinnamon sugar honey morning order pickup delivery " +
  "monday sunday gluten allergy price euro box gift birthday slice fresh warm crispy"
).split(" ");

/**
 * Steps that make each row in-process, with no model (twelve words drawn per
 * row from a seeded generator, so rows differ as real ones do): what is left
 * of a job's time is the engine's own (plan, dispatch, validation, group
 * commits, checkpoints, near-duplicate removal, the dataset).
 */
export function modelFreeSteps(plan: SynthSteps["plan"]): SynthSteps {
  return {
    plan,
    async run(ctx, task) {
      let state = (taskSeed(ctx.seed, task.key) || 1) >>> 0;
      const word = () => {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return words[(state >>> 0) % words.length]!;
      };
      const say = () => Array.from({ length: 12 }, word).join(" ");
      return {
        key: task.key,
        messages: [
          { role: "user", content: `${say()}?` },
          { role: "assistant", content: `${say()}.` },
        ],
        intent: String(task.cell.intent ?? "unknown"),
        provenance: {
          kind: task.kind,
          chunkIds: (task.cell.chunkIds as string[] | undefined) ?? [],
          language: String(task.cell.language ?? "es"),
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
  };
}

const qaSchema = z.object({ question: z.string().max(60), answer: z.string().max(80) });

/** The same structured calls as the `qa` steps, from a bare loop: no engine, no store. */
export async function bareClientLoop(
  model: LanguageModelV3,
  calls: number,
  concurrency: number,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        const i = next++;
        await generateText({
          model,
          output: Output.object({ schema: qaSchema }),
          prompt: `Write a customer question about intent ${i % 3}, and its answer.`,
          seed: i + 1,
          temperature: 1,
          maxOutputTokens: 48,
          maxRetries: 0,
        });
      }
    }),
  );
}
