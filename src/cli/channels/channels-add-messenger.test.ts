import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import {
  type MetaGraphStandIn,
  startMetaGraphStandIn,
} from "../../channels/messenger/meta-graph-stand-in.fixture.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { runCli } from "../run-cli.fixture.js";

/** `alambique channels add --kind messenger|instagram` in-process on a real store, against Meta's Graph stand-ins. */
describe("alambique channels: messenger and instagram", () => {
  let data: string;
  let messenger: MetaGraphStandIn;
  let instagram: MetaGraphStandIn;
  const key = randomBytes(32).toString("base64");
  const cli = (env: NodeJS.ProcessEnv, ...argv: string[]) => runCli([...argv, "--data", data], env);

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), "alq-meta-channels-"));
    [messenger, instagram] = await Promise.all([
      startMetaGraphStandIn("messenger"),
      startMetaGraphStandIn("instagram"),
    ]);
    const store = await openStore(join(data, "alambique.db"));
    await seedDemoAgent(store, (await defaultTenant(store)).id);
    await store.close();
  });
  afterAll(() => Promise.all([messenger.close(), instagram.close()]));

  it("adds both with comment mode chosen, prints the verify token once, and tests them", async () => {
    const env = {
      META_TOKEN: messenger.accessToken,
      META_SECRET: messenger.appSecret,
      ALAMBIQUE_SECRET_KEY: key,
    };
    const secrets = ["--secret", "accessToken=META_TOKEN", "--secret", "appSecret=META_SECRET"];
    const added = await cli(
      env,
      "channels",
      "add",
      "la-espiga",
      "--kind",
      "messenger",
      ...secrets,
      "--setting",
      `pageId=${messenger.accountId}`,
      "--setting",
      `baseUrl=${messenger.baseUrl}`,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/verify token for Meta's console \(shown once\): \S{16,}/);
    const ig = await cli(
      env,
      "channels",
      "add",
      "la-espiga",
      "--kind",
      "instagram",
      ...secrets,
      "--setting",
      `accountId=${instagram.accountId}`,
      "--setting",
      "commentReplies=on",
      "--setting",
      `baseUrl=${instagram.baseUrl}`,
      "--json",
    );
    expect(ig.code, ig.stderr).toBe(0);
    expect(JSON.parse(ig.stdout).settings).toMatchObject({
      accountId: instagram.accountId,
      commentReplies: "on",
    });
    const list = await cli(env, "channels", "list");
    expect(list.stdout).toMatch(/la-espiga\s+messenger\s+accessToken,appSecret,verifyToken/);
    expect(list.stdout + added.stdout + ig.stdout).not.toContain(messenger.accessToken);
    expect((await cli(env, "channels", "test", "la-espiga", "messenger")).stdout).toBe(
      `ok: id ${messenger.accountId}, name Panadería La Espiga`,
    );
    expect((await cli(env, "channels", "test", "la-espiga", "instagram")).code).toBe(0);
  });

  it("refuses a comment mode it does not know, saying what it takes", async () => {
    const env = {
      META_TOKEN: messenger.accessToken,
      META_SECRET: messenger.appSecret,
      ALAMBIQUE_SECRET_KEY: key,
    };
    const run = await cli(
      env,
      "channels",
      "add",
      "la-espiga",
      "--kind",
      "messenger",
      "--secret",
      "accessToken=META_TOKEN",
      "--secret",
      "appSecret=META_SECRET",
      "--setting",
      "pageId=1",
      "--setting",
      "commentReplies=yes",
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/settings\.commentReplies/);
  });
});
