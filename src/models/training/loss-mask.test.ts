import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgeModel } from "../forge/forge-model.js";
import { disposeLlamaRuntimes } from "../llamacpp/llama-runtime.js";
import { bakeryConversations } from "./bakery-conversations.fixture.js";
import { type TrainGgufResult, trainGguf } from "./train-gguf.js";

/**
 * Assistant-only loss (the cb_eval mask) changes what is learned: on the demo
 * bakery's FAQ (real text), the same base, data and steps trained with and
 * without the mask. With it, the held-out loss on the assistant's answers
 * falls further, and the tokens it masks (system prompt, question, template)
 * are not what is learned.
 */
let dir: string;
let base: string;
const faq = bakeryConversations().map((c) => c.messages);
const train = faq.filter((_, i) => i % 5 !== 4);
const validation = faq.filter((_, i) => i % 5 === 4);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-mask-"));
  base = (await forgeModel({ out: join(dir, "tiny.gguf"), preset: "tiny" })).path;
});
afterAll(() => disposeLlamaRuntimes());

const run = (lossOn: "assistant" | "whole-conversation"): Promise<TrainGgufResult> =>
  trainGguf({
    base,
    train,
    validation,
    epochs: 6,
    learningRate: 3e-4,
    contextLength: 256,
    threads: 1,
    lossOn,
    out: join(dir, `${lossOn}.gguf`),
    workDir: join(dir, lossOn),
  });

describe("assistant-only loss", () => {
  it("lowers the held-out loss on the assistant's answers more than training on whole conversations", async () => {
    const masked = await run("assistant");
    const whole = await run("whole-conversation");
    const last = (r: TrainGgufResult) => r.epochs.at(-1)!;
    console.info(
      `held-out assistant loss: base ${masked.baseAssistantValidationLoss!.toFixed(3)}, ` +
        `masked ${masked.epochs.map((e) => e.assistantValidationLoss!.toFixed(3)).join(" ")}, ` +
        `whole ${whole.epochs.map((e) => e.assistantValidationLoss!.toFixed(3)).join(" ")}; ` +
        `whole-window loss: base ${whole.baseValidationLoss.toFixed(3)}, masked ${last(masked).wholeValidationLoss.toFixed(3)}, ` +
        `whole ${last(whole).wholeValidationLoss.toFixed(3)}`,
    );
    // The same base, the same validation windows: the same starting point.
    expect(masked.baseAssistantValidationLoss).toBeCloseTo(whole.baseAssistantValidationLoss!, 5);
    expect(masked.baseValidationLoss).toBe(masked.baseAssistantValidationLoss);
    // The masked run learns the answers better...
    expect(last(masked).assistantValidationLoss!).toBeLessThan(masked.baseAssistantValidationLoss! * 0.9);
    expect(last(masked).assistantValidationLoss!).toBeLessThan(last(whole).assistantValidationLoss! - 0.3);
    // ...and not the prompts: on whole windows the unmasked run is far better.
    expect(last(whole).wholeValidationLoss).toBeLessThan(last(masked).wholeValidationLoss - 1);
    // Its training loss is measured on the assistant's tokens (from the gradient rows), and falls.
    expect(last(masked).trainLoss).toBeLessThan(masked.epochs[0]!.trainLoss);
  }, 300_000);
});
