import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { SynthContext } from "../../distill/pipeline/synth-step.js";
import { type SynthFixture, synthFixture } from "../../distill/steps/synth-context.fixture.js";
import { generateStructured } from "./generate-structured.js";

let fixture: SynthFixture;
let ctx: SynthContext;

beforeAll(async () => {
  fixture = await synthFixture();
  ctx = await fixture.context();
});
afterAll(async () => fixture?.close());

const call = {
  system: "Answer in JSON.",
  messages: [{ role: "user" as const, content: "Say something." }],
  maxOutputTokens: 40,
  seed: 3,
};

describe("generateStructured", () => {
  it("returns the validated object", async () => {
    const schema = z.object({ word: z.string().max(20), n: z.int().min(1).max(3) });
    const result = await generateStructured({ ...call, model: ctx.teacher, schema, signal: ctx.signal });
    expect(result.ok && schema.parse(result.value)).toBeTruthy();
  });

  it("retries output that does not match, then gives up without throwing", async () => {
    // A rule JSON Schema cannot state: the grammar lets the model write any word, zod refuses it.
    const schema = z.object({
      word: z
        .string()
        .max(20)
        .refine((w) => w === "never-this-word", "not the word"),
    });
    const result = await generateStructured({
      ...call,
      model: ctx.teacher,
      schema,
      signal: ctx.signal,
      attempts: 3,
    });
    expect(result).toEqual({
      ok: false,
      detail: expect.stringMatching(/^no valid JSON after 3 attempts: .*not the word/),
    });
  });

  it("throws when the run is stopped, for the engine to handle", async () => {
    const controller = new AbortController();
    controller.abort(new Error("paused"));
    const schema = z.object({ word: z.string() });
    await expect(
      generateStructured({ ...call, model: ctx.teacher, schema, signal: controller.signal }),
    ).rejects.toThrow();
  });
});
