/**
 * `alambique channels add|test` for an e-mail channel, in-process on a real
 * store, against a real mail server (mail-server.fixture.ts): the password is
 * read from an environment variable, sealed, never printed, and `test` says
 * which login or mailbox is wrong.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemoAgent } from "../../agents/demo-agent.fixture.js";
import { runCli } from "../../cli/run-cli.fixture.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { describeMailServer, type MailServer, startMailServer } from "./mail-server.fixture.js";

describeMailServer("alambique channels, e-mail", () => {
  let data: string;
  let mail: MailServer;
  const env = { DESK_PASSWORD: "desk-secret-pass", ALAMBIQUE_SECRET_KEY: randomBytes(32).toString("base64") };
  const cli = (extra: NodeJS.ProcessEnv, ...argv: string[]) =>
    runCli([...argv, "--data", data], { ...env, ...extra });

  beforeAll(async () => {
    mail = await startMailServer({ "desk@espiga.test": "desk-secret-pass" });
    data = mkdtempSync(join(tmpdir(), "alq-email-cli-"));
    const store = await openStore(join(data, "alambique.db"));
    await seedDemoAgent(store, (await defaultTenant(store)).id);
    await store.close();
  });
  afterAll(() => mail?.close());

  const add = () => cli({}, ...addArgs(mail));

  it("adds the channel, lists it without the password, and tests IMAP and SMTP", async () => {
    const added = await add();
    expect(added.code, added.stderr).toBe(0);
    const list = await cli({}, "channels", "list");
    expect(list.stdout).toMatch(/la-espiga\s+email\s+imapPassword/);
    expect(added.stdout).toMatch(/no webhook to set/);
    expect(list.stdout).toMatch(/\(IMAP\)/);
    expect(added.stdout + list.stdout).not.toContain("desk-secret-pass");
    const test = await cli({}, "channels", "test", "la-espiga", "email");
    expect(test.code, test.stdout).toBe(0);
    expect(test.stdout).toMatch(/^ok: imap 127\.0\.0\.1:\d+, INBOX \(0 messages\), smtp 127\.0\.0\.1:\d+$/);
    await cli({}, "channels", "remove", "la-espiga", "email");
  });

  it("says which login was refused", async () => {
    // A password that is not (or no longer) the mailbox's.
    const wrong = await cli({ DESK_PASSWORD: "an-old-password" }, ...addArgs(mail));
    expect(wrong.code, wrong.stderr).toBe(0);
    const test = await cli({}, "channels", "test", "la-espiga", "email");
    expect(test.code).toBe(1);
    expect(test.stdout).toMatch(
      /problem: IMAP login at 127\.0\.0\.1:\d+ was refused: the user or password is wrong/,
    );
    expect(test.stdout).toMatch(/problem: SMTP login at 127\.0\.0\.1:\d+ was refused/);
  });

  it("refuses settings that would send the password in clear to another machine, saying which", async () => {
    const run = await cli(
      {},
      "channels",
      "add",
      "la-espiga",
      "--kind",
      "email",
      "--setting",
      "address=desk@espiga.test",
      "--setting",
      "imapHost=mail.espiga.test",
      "--setting",
      "imapSecurity=none",
      "--setting",
      "smtpHost=mail.espiga.test",
      "--secret",
      "imapPassword=DESK_PASSWORD",
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/settings\.imapSecurity: none is allowed only for a server on this machine/);
  });
});

function addArgs(mail: MailServer): string[] {
  return [
    "channels",
    "add",
    "la-espiga",
    "--kind",
    "email",
    "--setting",
    "address=desk@espiga.test",
    "--setting",
    "imapHost=127.0.0.1",
    "--setting",
    `imapPort=${mail.imapPort}`,
    "--setting",
    "imapSecurity=none",
    "--setting",
    "smtpHost=127.0.0.1",
    "--setting",
    `smtpPort=${mail.smtpPort}`,
    "--setting",
    "smtpSecurity=none",
    "--secret",
    "imapPassword=DESK_PASSWORD",
  ];
}
