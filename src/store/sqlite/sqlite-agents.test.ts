import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../open-store.js";

const dir = mkdtempSync(join(tmpdir(), "alambique-sqlite-agents-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SQLite agents: the parsed spec kept between reads", () => {
  it("hands out one frozen spec while the stored text is unchanged, and sees an update from another connection", async () => {
    const file = join(dir, "agents.db");
    const one = await openStore(file);
    const two = await openStore(file);
    try {
      const tenant = await one.tenants.create({ slug: "t", name: "T" });
      const created = await one.agents.create({
        tenantId: tenant.id,
        name: "a",
        spec: { persona: "Uno", tags: ["x"] },
      });
      const first = await one.agents.get(tenant.id, created.id);
      if (!first) throw new Error("the agent was not found");
      const again = await one.agents.getByName(tenant.id, "a");
      expect(again?.spec).toBe(first.spec);
      expect(Object.isFrozen(first.spec)).toBe(true);
      expect(Object.isFrozen(first.spec.tags)).toBe(true);
      expect(() => {
        (first.spec.tags as string[]).push("y");
      }).toThrow(TypeError);

      // Another connection (another process in production) changes the stored spec: the next read parses it.
      await two.agents.update(tenant.id, created.id, { persona: "Dos", tags: ["x"] });
      const after = await one.agents.get(tenant.id, created.id);
      expect(after?.spec).not.toBe(first.spec);
      expect(after?.spec.persona).toBe("Dos");
      expect(first.spec.persona).toBe("Uno");
    } finally {
      await two.close();
      await one.close();
    }
  });
});
