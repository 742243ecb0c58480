import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ModelResolver } from "../../spec/models.js";
import type { ModelRecord } from "../../spec/store.js";
import { openStore } from "../../store/open-store.js";
import { createServer } from "../create-server.js";
import { instantModel, instantResolver } from "../openai/instant-model.fixture.js";

const dir = mkdtempSync(join(tmpdir(), "alq-ops-routing-"));
const store = await openStore(join(dir, "alambique.db"));
afterAll(() => store.close());

describe("/readyz's routing part", () => {
  it("is degraded, not down, while a routed agent's student file is missing, and names the agent, not the path", async () => {
    const base = instantResolver({ instant: instantModel() });
    const [template] = await base.list();
    const record = (name: string, source: string): ModelRecord => ({ ...template!, name, source });
    let listed = 0;
    const models: ModelResolver = {
      ...base,
      list: async () => {
        listed += 1;
        return [template!, record("espiga-mini", `gguf:${join(dir, "espiga-mini.gguf")}`)];
      },
    };
    const tenant = await store.tenants.create({ slug: "horno", name: "Horno" });
    const routed = { name: "la-espiga", model: "espiga-mini", fallbackModel: "instant", routing: {} };
    await store.agents.create({ tenantId: tenant.id, name: "la-espiga", spec: routed });
    const app = createServer({ auth: "disabled", store, models });
    try {
      const res = await app.inject({ url: "/readyz" });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        status: "degraded",
        models: { ok: true, problems: [] },
        routing: {
          degraded: [
            "agent la-espiga: its student espiga-mini is missing (its model file does not exist); its teacher answers every turn",
          ],
        },
      });
      expect(res.body).not.toContain(dir);
      expect(listed, "the models and routing checks share one listing of the catalog").toBe(1);

      // The same file is also another agent's only model: that agent cannot answer, the server is not ready.
      await store.agents.create({
        tenantId: tenant.id,
        name: "plain",
        spec: { name: "plain", model: "espiga-mini" },
      });
      const down = await app.inject({ url: "/readyz" });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({
        status: "not_ready",
        models: { ok: false, problems: ["espiga-mini: its model file does not exist"] },
      });
    } finally {
      await app.close();
    }
  });
});
