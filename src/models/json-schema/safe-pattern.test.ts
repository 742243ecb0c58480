import { describe, expect, it } from "vitest";
import { ValidationError } from "../../spec/errors.js";
import { compileSafePattern, MAX_PATTERN_LENGTH } from "./safe-pattern.js";

function refusal(pattern: string, path = ["properties", "code", "pattern"]): ValidationError {
  try {
    compileSafePattern(pattern, path);
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`${pattern} was accepted`);
}

describe("compileSafePattern", () => {
  it("matches the evil patterns of backtracking engines in linear time", () => {
    const evil: [string, string][] = [
      ["^(a+)+$", `${"a".repeat(34)}!`],
      ["^(a|a)*$", `${"a".repeat(40)}!`],
      ["^(a|aa)+$", `${"a".repeat(40)}!`],
      ["^(\\w+\\s?)*$", `${"word ".repeat(20)}!`],
      ["^(.*a){20}$", `${"a".repeat(30)}b`],
      ["(x+x+)+y", "x".repeat(5_000)],
    ];
    for (const [source, text] of evil) {
      const pattern = compileSafePattern(source);
      const started = performance.now();
      expect(pattern.test(text), source).toBe(false);
      expect(pattern.test(text.repeat(20)), source).toBe(false);
      expect(performance.now() - started, source).toBeLessThan(200);
    }
  });

  it("takes 100,000 characters against a nested quantifier in well under a second", () => {
    const pattern = compileSafePattern("^(a+)+$");
    const started = performance.now();
    expect(pattern.test(`${"a".repeat(100_000)}!`)).toBe(false);
    expect(pattern.test("a".repeat(100_000))).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("means what ECMAScript means for the syntax JSON Schemas use", () => {
    const cases: [string, string, boolean][] = [
      ["^LE-\\d{4}$", "LE-2024", true],
      ["^LE-\\d{4}$", "LE-20245", false],
      ["pan", "empanada", true], // not anchored, as JSON Schema says
      ["^[A-Z]{2}[0-9]{2,3}$", "ES123", true],
      ["^(?:[01]\\d|2[0-3]):[0-5]\\d$", "23:59", true],
      ["^(?<year>\\d{4})-\\d{2}$", "2026-04", true],
      ["^[\\u0041-\\u005A]+$", "ABC", true],
      ["^[\\u0041-\\u005A]+$", "abc", false],
      ["^\\u{1F600}$", "😀", true],
      ["^\\uD83D\\uDE00$", "😀", true],
      ["^a\\/b$", "a/b", true],
      ["^[^]$", "x", true],
      ["^[]$", "", false],
      ["^\\bword\\b", "word up", true],
      ["^a.c$", "a\nc", false],
      ["colou?r", "color", true],
      ["^a+?$", "aaa", true],
    ];
    for (const [source, text, expected] of cases) {
      expect(compileSafePattern(source).test(text), `${source} on ${JSON.stringify(text)}`).toBe(expected);
    }
  });

  it("refuses backreferences and lookaround, naming the path and saying why", () => {
    for (const pattern of ["^(a)\\1$", "^(?<x>a)\\k<x>$"]) {
      const error = refusal(pattern);
      expect(error.message).toContain("backreference");
      expect(error.issues).toEqual([
        { path: ["properties", "code", "pattern"], message: expect.stringContaining("backreference") },
      ]);
    }
    for (const pattern of ["^(?=a)a$", "^(?!a)b$", "(?<=a)b", "(?<!a)b"]) {
      expect(refusal(pattern).message, pattern).toContain("lookaround");
    }
    // Inside a class, `(?=` is text.
    expect(compileSafePattern("^[(?=]+$").test("(?=")).toBe(true);
  });

  it("refuses a pattern that is too long or not a regular expression", () => {
    expect(refusal("a".repeat(MAX_PATTERN_LENGTH + 1)).message).toContain(`${MAX_PATTERN_LENGTH} characters`);
    expect(refusal("^(a$").message).toContain("not a regular expression");
    expect(refusal("a{1001}").message).toContain("not a regular expression");
    expect(refusal("\\").message).toContain("not a regular expression");
  });

  it("refuses the same pattern every time, from its cache too", () => {
    expect(refusal("(a)\\1").message).toBe(refusal("(a)\\1").message);
    expect(compileSafePattern("^a$")).toBe(compileSafePattern("^a$"));
  });
});
