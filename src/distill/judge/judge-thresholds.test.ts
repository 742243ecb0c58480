import { describe, expect, it } from "vitest";
import type { Judgement } from "../../spec/distill.js";
import { defaultJudgeThresholds, judgeThresholdsSchema, verdict } from "./judge-thresholds.js";

const good: Judgement = { groundedness: 5, helpfulness: 5, policy: 5, languageMatch: 5, rationale: "fine" };

describe("judge thresholds", () => {
  it("default to groundedness 3, helpfulness 3, policy 4, language 4", () => {
    expect(defaultJudgeThresholds).toEqual({ groundedness: 3, helpfulness: 3, policy: 4, languageMatch: 4 });
    expect(judgeThresholdsSchema.parse({ policy: 5 })).toMatchObject({ policy: 5, groundedness: 3 });
    expect(judgeThresholdsSchema.safeParse({ policy: 6 }).success).toBe(false);
  });

  it("keeps a row at the thresholds and drops one under, with the reason and the rationale", () => {
    expect(verdict({ ...good, groundedness: 3, helpfulness: 3, policy: 4, languageMatch: 4 })).toBeNull();
    expect(verdict({ ...good, groundedness: 2, rationale: "invents a price" })).toEqual({
      reason: "low_groundedness",
      detail: "groundedness 2 < 3: invents a price",
    });
    expect(verdict({ ...good, helpfulness: 1 })?.reason).toBe("low_helpfulness");
    expect(verdict({ ...good, languageMatch: 3 })?.reason).toBe("language_mismatch");
  });

  it("names the most serious failure first: policy, groundedness, language, helpfulness", () => {
    const bad: Judgement = {
      groundedness: 1,
      helpfulness: 1,
      policy: 1,
      languageMatch: 1,
      rationale: "all wrong",
    };
    expect(verdict(bad)?.reason).toBe("policy");
    expect(verdict({ ...bad, policy: 5 })?.reason).toBe("low_groundedness");
    expect(verdict({ ...bad, policy: 5, groundedness: 5 })?.reason).toBe("language_mismatch");
    const lenient = { groundedness: 1, helpfulness: 1, policy: 1, languageMatch: 1 };
    expect(verdict(bad, lenient)).toBeNull();
  });
});
