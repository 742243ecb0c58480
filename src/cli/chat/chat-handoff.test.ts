import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { spawnCli } from "../cli-process.fixture.js";
import { runCli } from "../run-cli.fixture.js";

const demoAgentFile = fileURLToPath(new URL("../../../data/demo/agent.yaml", import.meta.url));

/**
 * The newcomer's path from the README: ask the demo agent for a person in the
 * terminal chat, then get the agent back, from the command line alone.
 */
describe("alambique chat and conversations: a person takes over, and gives it back", () => {
  let data: string;
  const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});
  const chat = async (input: string, ...flags: string[]) => {
    const child = spawnCli(
      ["chat", "la-espiga", "--user", "test:ana", "--data", data, ...flags],
      {},
      { input },
    );
    const code = await child.exited;
    return { code, ...child.output() };
  };

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), "alq-chat-"));
    const created = await cli("agents", "create", "--file", demoAgentFile);
    expect(created.code, created.stderr).toBe(0);
  }, 60_000);

  it("says how to get out of a handed-off conversation; the desk commands list, show, reply, hand back and close it", async () => {
    const handoff = await chat("quiero hablar con una persona\n");
    expect(handoff.code, handoff.stderr).toBe(0);
    const id = /conversations hand-back (\S+)/.exec(handoff.stderr)?.[1];
    expect(id, handoff.stderr).toBeDefined();
    expect(handoff.stderr).toContain("alambique chat la-espiga --new");

    // The next run says so at once, before anything is typed.
    const later = await chat("¿sigue ahí alguien?\n");
    expect(later.stderr).toMatch(/waiting for a person|a person from the team/);
    expect(later.stderr).toContain(`alambique conversations hand-back ${id}`);

    const waiting = await cli("conversations", "list", "--status", "waiting_human", "--agent", "la-espiga");
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(waiting.stdout).toMatch(new RegExp(`^${id}\\s+la-espiga\\s+test:ana\\s+waiting_human`, "m"));

    const reply = await cli("conversations", "reply", id!, "Hola Ana, soy Marta.", "--staff", "Marta");
    expect(reply.code, reply.stderr).toBe(0);
    const shown = await cli("conversations", "show", id!);
    expect(shown.stdout).toContain("status human");
    expect(shown.stdout).toContain("quiero hablar con una persona");
    expect(shown.stdout).toMatch(/\] human \(Marta\)[^\n]*\n {2}Hola Ana, soy Marta\./);
    const json = JSON.parse((await cli("conversations", "show", id!, "--json")).stdout);
    expect(json.messages.at(-1)).toMatchObject({ role: "human", metadata: { staff: "Marta" } });

    // A short id, as people type them.
    const back = await cli("conversations", "hand-back", id!.slice(0, 8));
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain("status bot");
    const answered = await chat("¿A qué hora abren el domingo?\n");
    expect(answered.stdout.length).toBeGreaterThan(20);
    expect(answered.stderr).not.toContain("a person from the team");

    expect((await cli("conversations", "close", id!)).stdout).toBe(`${id}: closed`);
    const closed = await cli("conversations", "reply", id!, "¿hola?");
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain("closed");
    const unknown = await cli("conversations", "show", "00000000-nope");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("conversations list");
  }, 150_000);

  it("starts a new conversation with --new, closing the one a person has", async () => {
    const handoff = await chat("quiero hablar con una persona\n");
    const id = /conversations hand-back (\S+)/.exec(handoff.stderr)?.[1];
    expect(id, `${handoff.stdout}\n${handoff.stderr}`).toBeDefined();
    const fresh = await chat("¿A qué hora abren el domingo?\n", "--new");
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).toContain(`closed the previous conversation ${id}`);
    expect(fresh.stdout.length).toBeGreaterThan(20);
    expect(fresh.stderr).not.toContain("hand-back");
    expect((await cli("conversations", "show", id!, "--json")).stdout).toContain('"status": "closed"');
  }, 120_000);

  it("suggests the agent meant when its name has a typo", async () => {
    const run = await cli("chat", "la-espig");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("agent not found: la-espig");
    expect(run.stderr).toContain("did you mean la-espiga?");
  });
});
