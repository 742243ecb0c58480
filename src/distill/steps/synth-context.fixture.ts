/**
 * Test fixture: a `SynthContext` on the demo bakery (data/demo) in a real
 * SQLite store, with the forged model (real llama.cpp, one thread, 4k
 * context) as teacher and judge. The text is nonsense; JSON, tool calls and
 * everything around them are real.
 */
import { createRetriever } from "../../knowledge/create-retriever.js";
import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import { ModelRegistry } from "../../models/model-registry.js";
import { agentSpecSchema } from "../../spec/agent.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { type DemoSynthStore, demoSynthStore } from "../pipeline/synth-test.fixture.js";
import { defaultStepOptions, type StepOptions } from "./step-options.js";

export const FORGED_4K = "forged-4k";

/** Small budgets: the forged model's text is nonsense anyway, and tests must be quick on 2 cores. */
export const quickStepOptions: StepOptions = { ...defaultStepOptions, questionTokens: 40, answerTokens: 80 };

export interface SynthFixture {
  demo: DemoSynthStore;
  models: ModelRegistry;
  context(overrides?: Partial<SynthContext>): Promise<SynthContext>;
  close(): Promise<void>;
}

export async function synthFixture(): Promise<SynthFixture> {
  const demo = await demoSynthStore();
  await demo.store.models.add({
    name: FORGED_4K,
    source: `gguf:${await forgedModelPath("tiny", 1)}`,
    architecture: "llama",
    parameterCount: null,
    quantization: null,
    contextLength: 4096,
    licenseId: "apache-2.0",
    licenseUrl: null,
    weightsOpenness: "open",
    dataOpenness: null,
    codeOpenness: null,
    outputsMayTrain: true,
    metadata: { threads: 1, contextSize: 4096 },
  });
  const models = new ModelRegistry({ store: demo.store, llamacpp: { threads: 1, gpu: false } });
  const agent = { ...demo.agent, spec: agentSpecSchema.parse(demo.agent.spec) };
  return {
    demo,
    models,
    async context(overrides = {}) {
      const model = await models.languageModel(FORGED_4K);
      return {
        store: demo.store,
        tenantId: demo.tenant.id,
        agent,
        teacher: model,
        teacherName: FORGED_4K,
        judge: model,
        retriever: createRetriever({ store: demo.store }),
        seed: 7,
        languages: ["es", "en"],
        signal: new AbortController().signal,
        addUsage: () => {},
        ...overrides,
      };
    },
    async close() {
      await models.dispose();
      await demo.store.close();
    },
  };
}
