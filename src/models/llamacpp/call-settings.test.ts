import { describe, expect, it } from "vitest";
import { toCallSettings } from "./call-settings.js";

describe("toCallSettings", () => {
  it("maps the AI SDK's settings onto node-llama-cpp's sampling options", () => {
    const { sampling, lora, warnings } = toCallSettings({
      prompt: [],
      temperature: 0.7,
      topP: 0.9,
      topK: 40,
      seed: 3,
      maxOutputTokens: 64,
      stopSequences: ["END", ""],
      presencePenalty: 0.2,
      providerOptions: { llamacpp: { minP: 0.05, lora: [{ path: "a.gguf", scale: 0.5 }] } },
    });
    expect(sampling).toEqual({
      temperature: 0.7,
      topP: 0.9,
      topK: 40,
      minP: 0.05,
      seed: 3,
      maxOutputTokens: 64,
      customStopTriggers: ["END"],
      repeatPenalty: { penalty: 1, presencePenalty: 0.2, frequencyPenalty: 0 },
    });
    expect(lora).toEqual([{ path: "a.gguf", scale: 0.5 }]);
    expect(warnings).toEqual([]);
  });

  it("turns off node-llama-cpp's default repeat penalty unless a penalty is asked for", () => {
    expect(toCallSettings({ prompt: [] }).sampling).toEqual({ repeatPenalty: false });
    expect(toCallSettings({ prompt: [] }).lora).toBeUndefined();
  });

  it("warns when sampling settings cannot apply to greedy decoding", () => {
    const { warnings } = toCallSettings({ prompt: [], topP: 0.5, seed: 1 });
    expect(warnings.map((w) => (w.type === "other" ? w.message : ""))).toEqual([
      expect.stringContaining("topP has no effect"),
      expect.stringContaining("seed has no effect"),
    ]);
  });

  it("rejects malformed provider options and token limits with the path of the problem", () => {
    expect(() =>
      toCallSettings({ prompt: [], providerOptions: { llamacpp: { lora: [{ scale: 1 }] } } }),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_request",
        issues: [expect.objectContaining({ path: ["providerOptions", "llamacpp", "lora", 0, "path"] })],
      }),
    );
    expect(() => toCallSettings({ prompt: [], maxOutputTokens: 0 })).toThrow(/maxOutputTokens/);
  });
});
