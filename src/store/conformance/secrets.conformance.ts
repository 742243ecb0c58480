import { describe, expect, it } from "vitest";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import { expectValidationError } from "./store-test-kit.conformance.js";

export function describeSecrets(kit: StoreTestKit): void {
  describe("server secrets", () => {
    it("makes a random secret once and hands back the same bytes, across callers and reopenings", async () => {
      const url = await kit.url();
      const store = await kit.open(url);
      const [first, racing] = await Promise.all([
        store.secrets.getOrCreate("visitor-tokens", 32),
        store.secrets.getOrCreate("visitor-tokens", 32),
      ]);
      expect(first.length).toBe(32);
      expect(racing.equals(first)).toBe(true);
      const other = await store.secrets.getOrCreate("other", 32);
      expect(other.equals(first)).toBe(false);
      await store.close();
      const reopened = await kit.open(url);
      expect((await reopened.secrets.getOrCreate("visitor-tokens", 32)).equals(first)).toBe(true);
      await reopened.close();
    });

    it("refuses a malformed name or size", async () => {
      const store = await kit.fresh();
      await expectValidationError(store.secrets.getOrCreate("Has Spaces", 32), /name/);
      await expectValidationError(store.secrets.getOrCreate("ok", 8), /bytes/);
    });
  });
}
