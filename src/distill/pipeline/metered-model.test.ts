import { streamText } from "ai";
import { describe, expect, it } from "vitest";
import { AlambiqueError } from "../../spec/errors.js";
import { instantModel } from "./instant-model.fixture.js";
import { meteredModel } from "./metered-model.js";
import { isRetryable } from "./retry-policy.js";

const prompt = [{ role: "user" as const, content: [{ type: "text" as const, text: "hola" }] }];

describe("meteredModel", () => {
  it("counts the tokens of generated and streamed calls", async () => {
    const counts = { inputTokens: 0, outputTokens: 0 };
    const model = meteredModel(instantModel(), counts, { timeoutMs: 1000, name: "t" });
    const generated = await model.doGenerate({ prompt });
    const once = { ...counts };
    expect(once.inputTokens).toBe(generated.usage.inputTokens.total);
    expect(once.outputTokens).toBe(generated.usage.outputTokens.total);
    const streamed = streamText({ model, prompt: "hola" });
    await streamed.text;
    expect(counts.inputTokens).toBe(once.inputTokens + (await streamed.usage).inputTokens!);
    expect(counts.outputTokens).toBe(once.outputTokens + (await streamed.usage).outputTokens!);
  });

  it("abandons a call that outlives its timeout with a retryable model_timeout, and passes aborts through", async () => {
    const counts = { inputTokens: 0, outputTokens: 0 };
    const hung = meteredModel(instantModel({ behave: () => ({ hang: true }) }), counts, {
      timeoutMs: 30,
      name: "slow",
    });
    const error = await Promise.resolve(hung.doGenerate({ prompt })).catch((e: unknown) => e);
    expect(AlambiqueError.isInstance(error) && error.code).toBe("model_timeout");
    expect(isRetryable(error)).toBe(true);
    expect((error as Error).message).toMatch(/slow gave no answer within 30 ms/);

    const controller = new AbortController();
    const pending = Promise.resolve(hung.doGenerate({ prompt, abortSignal: controller.signal })).catch(
      (e: unknown) => e,
    );
    controller.abort(new Error("stop"));
    expect(await pending).toEqual(new Error("stop"));
    expect(counts).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});
