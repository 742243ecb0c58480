import { describe, expect, it } from "vitest";
import { sampleRow } from "../../store/conformance/synth-rows.conformance.js";
import { canonicalJson, datasetContentHash } from "./content-hash.js";

describe("datasetContentHash", () => {
  it("writes canonical JSON: keys sorted at every level, no spaces, undefined left out", () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: "x" }, undefined], e: undefined })).toBe(
      '{"a":[{"c":"x","d":null},null],"b":1}',
    );
  });

  it("hashes the same rows the same whatever their key order, and any change differently", () => {
    const row = sampleRow("k1");
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(row).reverse())));
    const hash = datasetContentHash([{ split: "train", row }]);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(datasetContentHash([{ split: "train", row: reordered }])).toBe(hash);
    expect(datasetContentHash([{ split: "test", row }])).not.toBe(hash);
    expect(datasetContentHash([{ split: "train", row: { ...row, intent: "otro" } }])).not.toBe(hash);
    const two = [
      { split: "train" as const, row },
      { split: "train" as const, row: sampleRow("k2") },
    ];
    expect(datasetContentHash(two)).not.toBe(datasetContentHash([...two].reverse()));
  });
});
