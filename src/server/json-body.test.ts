import { describe, expect, it } from "vitest";
import { parseJsonBody } from "./json-body.js";
import { RequestError } from "./request-error.js";

function refusal(text: string): RequestError {
  try {
    parseJsonBody(text);
  } catch (error) {
    if (RequestError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

describe("parseJsonBody", () => {
  it("refuses a `__proto__` key, however it is spelled, naming where it is", () => {
    expect(refusal('{"a":[{"b":1},{"__proto__":{"admin":true}}]}')).toMatchObject({
      status: 400,
      code: "forbidden_key",
      param: "a[1].__proto__",
    });
    expect(refusal('{"\\u005f_proto__":{}}').param).toBe("__proto__");
    expect(refusal('{"x":{"constructor":{"prototype":{"admin":true}}}}').param).toBe(
      "x.constructor.prototype",
    );
    expect(refusal('{"__proto__":1}').message).toContain('the key "__proto__" is not allowed');
  });

  it("takes ordinary JSON, `constructor` and `proto` keys included", () => {
    expect(parseJsonBody('{"constructor":"Ana","proto":1,"list":[1,"ñ"]}')).toEqual({
      constructor: "Ana",
      proto: 1,
      list: [1, "ñ"],
    });
    expect(parseJsonBody("[1,2]")).toEqual([1, 2]);
  });

  it("says what is wrong with broken or empty JSON", () => {
    expect(refusal('{"model": "x", "messages": [')).toMatchObject({ code: "invalid_json" });
    expect(refusal('{"model": "x", "messages": [').message).toContain("not valid JSON");
    expect(refusal("  ").message).toContain("empty");
  });

  it("walks a deeply nested body without overflowing the stack", () => {
    const deep = `${"[".repeat(200_000)}{"\\u0061":1}${"]".repeat(200_000)}`;
    const started = performance.now();
    expect(Array.isArray(parseJsonBody(deep))).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
