import { describe, expect, it } from "vitest";
import { createMinHasher, estimateJaccard } from "./min-hash.js";
import { fmix32 } from "./shingle-hashes.js";

/** Two sets of `size` hashes sharing `shared` of them. */
function pair(size: number, shared: number, salt: number): [Uint32Array, Uint32Array] {
  const a = new Uint32Array(size);
  const b = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    a[i] = fmix32(salt * 100_003 + i);
    b[i] = i < shared ? a[i]! : fmix32(salt * 100_003 + 50_000 + i);
  }
  return [a, b];
}

describe("MinHash", () => {
  it("estimates Jaccard similarity within 0.12 of the truth, across similarities and seeds", () => {
    const hasher = createMinHasher({ permutations: 128, seed: 7 });
    let worst = 0;
    for (let salt = 1; salt <= 40; salt++) {
      const shared = (salt * 37) % 200;
      const [a, b] = pair(200, shared, salt);
      const truth = shared / (400 - shared);
      worst = Math.max(worst, Math.abs(estimateJaccard(hasher.signature(a), hasher.signature(b)) - truth));
    }
    expect(worst).toBeLessThan(0.12);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const [a] = pair(50, 0, 3);
    expect(createMinHasher({ permutations: 16, seed: 1 }).signature(a)).toEqual(
      createMinHasher({ permutations: 16, seed: 1 }).signature(a),
    );
    expect(createMinHasher({ permutations: 16, seed: 2 }).signature(a)).not.toEqual(
      createMinHasher({ permutations: 16, seed: 1 }).signature(a),
    );
  });

  it("treats the empty set as similar to nothing, itself included", () => {
    const hasher = createMinHasher({ permutations: 32, seed: 1 });
    const empty = hasher.signature(new Uint32Array(0));
    expect(estimateJaccard(empty, empty)).toBe(0);
    expect(() => createMinHasher({ permutations: 0, seed: 1 })).toThrow(RangeError);
  });
});
