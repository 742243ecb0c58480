import { describe, expect, it } from "vitest";
import { until } from "./until.fixture.js";

describe("until", () => {
  it("returns the probe's first value that is not undefined, null or false (0 and '' count)", async () => {
    const values = [undefined, null, false, 0];
    expect(await until(() => values.shift(), 1000, 1)).toBe(0);
    const more = [false, ""];
    expect(await until(async () => more.shift(), 1000, 1)).toBe("");
    let calls = 0;
    expect(await until(async () => ++calls === 3, 1000, 1)).toBe(true);
  });

  it("throws after its timeout, saying so", async () => {
    const started = Date.now();
    await expect(until(() => false, 60, 10)).rejects.toThrow(/did not hold within 60 ms \(last: false\)/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });
});
