import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthRowSchema } from "../../spec/distill.js";
import { qaRow, toolRow } from "../formats/dataset-rows.fixture.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { type SynthFixture, synthFixture } from "../steps/synth-context.fixture.js";
import { judgeRow } from "./judge-row.js";
import { verdict } from "./judge-thresholds.js";

let fixture: SynthFixture;
let ctx: SynthContext;

beforeAll(async () => {
  fixture = await synthFixture();
  ctx = await fixture.context();
});
afterAll(async () => fixture?.close());

const unjudged = [qaRow, toolRow].map((row) => ({ ...row, judgement: null }));

describe("judgeRow with a forged judge", () => {
  it("scores every kept row on the rubric and drops exactly what the thresholds say", async () => {
    for (const row of unjudged) {
      const judged = await judgeRow(ctx, row, { maxOutputTokens: 80 });
      expect(synthRowSchema.safeParse(judged).error).toBeUndefined();
      expect(judged.judgement).not.toBeNull();
      expect(judged.messages).toEqual(row.messages);
      const expected = verdict(judged.judgement!);
      expect(judged.dropped).toBe(expected?.reason ?? null);
      expect(judged.dropDetail).toBe(expected?.detail ?? null);
    }
  });

  it("keeps everything under thresholds of 1 and drops everything short of perfect under 5s", async () => {
    const lenient = await judgeRow(ctx, unjudged[0]!, {
      maxOutputTokens: 80,
      thresholds: { groundedness: 1, helpfulness: 1, policy: 1, languageMatch: 1 },
    });
    expect(lenient.dropped).toBeNull();
    const strict = await judgeRow(ctx, unjudged[0]!, {
      maxOutputTokens: 80,
      thresholds: { groundedness: 5, helpfulness: 5, policy: 5, languageMatch: 5 },
    });
    const perfect = Object.values({ ...strict.judgement!, rationale: 5 }).every((v) => v === 5);
    expect(strict.dropped === null).toBe(perfect);
  });

  it("leaves dropped rows and judge-less runs alone", async () => {
    const dropped = { ...unjudged[0]!, dropped: "invalid_output" as const, dropDetail: "x" };
    expect(await judgeRow(ctx, dropped)).toBe(dropped);
    const { judge: _, ...withoutJudge } = ctx;
    expect(await judgeRow(withoutJudge, unjudged[0]!)).toBe(unjudged[0]);
  });
});
