import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../spec/store.js";
import { DEFAULT_TENANT_SLUG } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { ensureAdminKey } from "./bootstrap-admin-key.js";

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-bootstrap-"));
  store = await openStore(join(dir, "alambique.db"));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("ensureAdminKey", () => {
  it("gives a fresh store's default tenant an admin key, and its secret once", async () => {
    const first = await ensureAdminKey(store);
    expect(first.tenant.slug).toBe(DEFAULT_TENANT_SLUG);
    expect(first.secret).toMatch(/^alq_/);
    expect(first.key.scopes).toEqual(["admin"]);
    expect((await store.apiKeys.verify(first.secret!))?.id).toBe(first.key.id);

    const again = await ensureAdminKey(store);
    expect(again.secret).toBeUndefined();
    expect(again.key.id).toBe(first.key.id);
    expect(await store.apiKeys.list(first.tenant.id)).toHaveLength(1);
  });

  it("makes a new one when every admin key was revoked, and ignores chat keys", async () => {
    const first = await ensureAdminKey(store);
    await store.apiKeys.create({ tenantId: first.tenant.id, name: "widget", scopes: ["chat"] });
    await store.apiKeys.revoke(first.tenant.id, first.key.id);
    const second = await ensureAdminKey(store);
    expect(second.secret).toMatch(/^alq_/);
    expect(second.key.id).not.toBe(first.key.id);
  });
});
