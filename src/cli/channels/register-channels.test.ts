import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import {
  startTelegramStandIn,
  type TelegramStandIn,
} from "../../channels/telegram/telegram-stand-in.fixture.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { runCli } from "../run-cli.fixture.js";

/** `alambique channels …` in-process on a real store, against the Telegram stand-in. */
describe("alambique channels", () => {
  let data: string;
  let telegram: TelegramStandIn;
  const key = randomBytes(32).toString("base64");
  const cli = (env: NodeJS.ProcessEnv, ...argv: string[]) => runCli([...argv, "--data", data], env);

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), "alq-channels-"));
    telegram = await startTelegramStandIn();
    const store = await openStore(join(data, "alambique.db"));
    await seedDemoAgent(store, (await defaultTenant(store)).id);
    await store.close();
  });
  afterAll(() => telegram.close());

  it("refuses to store secrets without ALAMBIQUE_SECRET_KEY, saying how to set it", async () => {
    const run = await cli(
      { TG: telegram.token },
      "channels",
      "add",
      "la-espiga",
      "--kind",
      "telegram",
      "--secret",
      "botToken=TG",
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ALAMBIQUE_SECRET_KEY is not set/);
    expect(run.stderr).toMatch(/openssl rand -base64 32/);
  });

  it("adds, lists without secrets, tests, and removes a channel", async () => {
    const env = { TG: telegram.token, ALAMBIQUE_SECRET_KEY: key };
    const added = await cli(
      env,
      "channels",
      "add",
      "la-espiga",
      "--kind",
      "telegram",
      "--secret",
      "botToken=TG",
      "--setting",
      `baseUrl=${telegram.baseUrl}`,
      "--public-url",
      "https://agents.example",
    );
    expect(added.code, added.stderr).toBe(0);
    expect(telegram.webhook?.url).toMatch(/^https:\/\/agents\.example\/channels\/[0-9a-f-]+\/webhook$/);
    const list = await cli(env, "channels", "list");
    expect(list.stdout).toMatch(/la-espiga\s+telegram\s+botToken,webhookSecret/);
    expect(list.stdout + added.stdout).not.toContain(telegram.token);
    expect(list.stdout + added.stdout).not.toContain(telegram.webhook!.secretToken);
    const test = await cli(env, "channels", "test", "la-espiga", "telegram");
    expect(test.code).toBe(0);
    expect(test.stdout).toBe("ok: bot @espiga_bot");
    const wrongKey = await cli(
      { ALAMBIQUE_SECRET_KEY: randomBytes(32).toString("hex") },
      "channels",
      "test",
      "la-espiga",
      "telegram",
    );
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/problem: .*not the key they were stored with/);
    const removed = await cli(env, "channels", "remove", "la-espiga", "telegram");
    expect(removed.code).toBe(0);
    expect((await cli(env, "channels", "list")).stdout).toMatch(/No channels/);
  });

  it("says what is wrong with a revoked bot token", async () => {
    const env = { TG: "999999:REVOKED-token_abcdefghijklmnop", ALAMBIQUE_SECRET_KEY: key };
    await cli(
      env,
      "channels",
      "add",
      "la-espiga",
      "--kind",
      "telegram",
      "--secret",
      "botToken=TG",
      "--setting",
      `baseUrl=${telegram.baseUrl}`,
    );
    const test = await cli(env, "channels", "test", "la-espiga", "telegram");
    expect(test.code).toBe(1);
    expect(test.stdout).toMatch(
      /problem: Telegram getMe answered 401: Unauthorized — the bot token is wrong, revoked or expired/,
    );
  });
});
