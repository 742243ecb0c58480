import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../store/open-store.js";
import { runCli } from "./run-cli.fixture.js";

/** `alambique keys …` in-process on a real store; keys are checked with the store's own verification. */
describe("alambique keys", () => {
  let data: string;
  const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});
  const verify = async (secret: string) => {
    const store = await openStore(join(data, "alambique.db"));
    try {
      return await store.apiKeys.verify(secret);
    } finally {
      await store.close();
    }
  };

  beforeAll(() => {
    data = mkdtempSync(join(tmpdir(), "alq-keys-"));
  });

  it("creates a key whose secret is printed once, lists it without the secret, and revokes it by id prefix", async () => {
    const created = await cli("keys", "create", "--name", "web widget");
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^alq_/);
    expect(created.stderr).toMatch(/chat key [0-9a-f-]{36} of default; save the secret now/);
    expect(await verify(secret)).toMatchObject({ name: "web widget", scopes: ["chat"] });

    const admin = await cli("keys", "create", "--name", "ops", "--scope", "admin");
    expect(await verify(admin.stdout.trim())).toMatchObject({ scopes: ["admin"] });

    const list = await cli("keys", "list");
    expect(list.stdout).toMatch(/^ID\s+NAME\s+PREFIX\s+SCOPES/m);
    expect(list.stdout).toContain("web widget");
    expect(list.stdout).not.toContain(secret);
    const [key] = JSON.parse((await cli("keys", "list", "--json")).stdout) as { id: string; name: string }[];

    const revoked = await cli("keys", "revoke", key!.id.slice(0, 18));
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe(`revoked ${key!.id} (${key!.name})`);
    expect(await verify(secret)).toBeUndefined();
  });

  it("says what is wrong with a bad scope, an unknown tenant or an unknown key", async () => {
    const scope = await cli("keys", "create", "--name", "x", "--scope", "root");
    expect(scope.code).toBe(2);
    expect(scope.stderr).toMatch(/--scope must be admin or chat, not root/);
    const tenant = await cli("keys", "list", "--tenant", "nobody");
    expect(tenant.code).toBe(1);
    expect(tenant.stderr).toMatch(/tenant.*nobody/);
    const short = await cli("keys", "revoke", "");
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/first 8 characters/);
    const key = await cli("keys", "revoke", "ffffffff");
    expect(key.code).toBe(1);
    expect(key.stderr).toMatch(/API key.*ffffffff/);
  });
});
