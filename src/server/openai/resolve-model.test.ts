import { describe, expect, it, vi } from "vitest";
import type { ModelResolver } from "../../spec/models.js";
import type { ModelRecord } from "../../spec/store.js";
import { instantModel, instantResolver } from "./instant-model.fixture.js";
import { resolveLanguageModel } from "./resolve-model.js";

describe("resolveLanguageModel", () => {
  it("reuses a model while its catalog entry is unchanged, and makes a new one when it changes", async () => {
    const base = instantResolver({ m: instantModel() });
    const [record] = await base.list();
    let catalog: ModelRecord[] = [record!];
    let made = 0;
    const models: ModelResolver = {
      ...base,
      list: async () => catalog,
      languageModel: async () => {
        made++;
        return instantModel();
      },
    };
    const options = { allowPaths: false };
    const first = await resolveLanguageModel(models, "m", options);
    expect(await resolveLanguageModel(models, "m", options)).toBe(first);
    expect(made).toBe(1);

    // A model added to the catalog is found at once.
    catalog = [record!, { ...record!, name: "n" }];
    await resolveLanguageModel(models, "n", options);
    expect(made).toBe(2);
  });

  it("sees a changed or removed catalog entry within 5 s", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const base = instantResolver({ m: instantModel() });
      const [record] = await base.list();
      let catalog: ModelRecord[] = [record!];
      const models: ModelResolver = {
        ...base,
        list: async () => catalog,
        languageModel: async () => instantModel(),
      };
      const options = { allowPaths: false };
      const first = await resolveLanguageModel(models, "m", options);
      catalog = [{ ...record!, metadata: { remoteModel: "other" }, updatedAt: "2026-02-01T00:00:00.000Z" }];
      expect(await resolveLanguageModel(models, "m", options)).toBe(first);
      vi.advanceTimersByTime(5_000);
      const second = await resolveLanguageModel(models, "m", options);
      expect(second).not.toBe(first);
      catalog = [];
      vi.advanceTimersByTime(5_000);
      await expect(resolveLanguageModel(models, "m", options)).rejects.toMatchObject({
        status: 404,
        code: "model_not_found",
      });
    } finally {
      vi.useRealTimers();
    }
  });
});
