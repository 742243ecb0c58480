import { describe, expect, it } from "vitest";
// @ts-expect-error: the widget's browser modules are plain JavaScript without type declarations.
import { allowedHref } from "../../../web/widget/render-answer.js";

describe("the widget's links", () => {
  it("links only to allowed hosts and their subdomains, whatever the URL's spelling", () => {
    const hosts = ["shop.example"];
    expect(allowedHref("https://shop.example/hours", hosts)).toBe("https://shop.example/hours");
    expect(allowedHref("https://www.shop.example/", hosts)).toBe("https://www.shop.example/");
    expect(allowedHref("https://shop.example./x", hosts)).toBe("https://shop.example./x");
    expect(allowedHref("https://evilshop.example/", hosts)).toBeNull();
    expect(allowedHref("https://shop.example@evil.example/", hosts)).toBeNull();
    expect(allowedHref("javascript:alert(1)", hosts)).toBeNull();
  });

  it("allows nothing for an empty host (a page opened from a file), even to a name with a trailing dot", () => {
    expect(allowedHref("https://evil.example./x", ["shop.example", ""])).toBeNull();
    expect(allowedHref("https://evil.example/x", [""])).toBeNull();
  });
});
