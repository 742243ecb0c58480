import { describe, expect, it } from "vitest";
import { closestName, editDistance } from "./closest-name.js";

describe("closestName", () => {
  it("finds the name a typo meant: a letter missing, extra, changed or two swapped", () => {
    const agents = ["la-espiga", "floristeria", "taller"];
    expect(closestName("la-espig", agents)).toBe("la-espiga");
    expect(closestName("la-espigaa", agents)).toBe("la-espiga");
    expect(closestName("la-espiqa", agents)).toBe("la-espiga");
    expect(closestName("la-epsiga", agents)).toBe("la-espiga");
    expect(closestName("LA-ESPIGA", agents)).toBe("la-espiga");
  });

  it("suggests nothing for a name that is too far off, or that exists", () => {
    expect(closestName("panaderia", ["la-espiga", "taller"])).toBeUndefined();
    expect(closestName("la-espiga", ["la-espiga", "la-espigb"])).toBeUndefined();
    expect(closestName("x", [])).toBeUndefined();
  });

  it("counts edits", () => {
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("ab", "ba")).toBe(1);
  });
});
