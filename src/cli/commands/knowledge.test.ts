import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../knowledge/knowledge-test.fixture.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/index.js";
import { runCli } from "../run-cli.fixture.js";

const knowledgeDir = join(import.meta.dirname, "../../../data/demo/knowledge");

describe("alambique knowledge", () => {
  let data: string;
  const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});

  beforeAll(async () => {
    data = tempDir("alq-cli-knowledge-");
    const store = await openStore(join(data, "alambique.db"));
    const tenant = await defaultTenant(store);
    await store.agents.create({ tenantId: tenant.id, name: "la-espiga", spec: { persona: "baker" } });
    await store.close();
  });

  it("adds files, lists them, finds what a customer asks, and removes one", async () => {
    const add = await cli(
      "knowledge",
      "add",
      "la-espiga",
      join(knowledgeDir, "horarios-y-festivos.md"),
      knowledgeDir,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/knowledge of la-espiga: 8 added, 0 updated, 0 unchanged, \d+ chunks/);

    const list = await cli("knowledge", "list", "la-espiga");
    expect(list.stdout.split("\n")[0]).toMatch(/^URI\s+KIND\s+CHUNKS\s+SIZE\s+UPDATED$/);
    const uri = list.stdout.match(/(\S*horarios-y-festivos\.md)\s+markdown\s+6\s/)?.[1];
    expect(uri).toBeDefined();

    const search = await cli(
      "knowledge",
      "search",
      "la-espiga",
      "a que hora abren el domingo",
      "--limit",
      "2",
    );
    expect(search.code, search.stderr).toBe(0);
    expect(search.stdout).toMatch(
      /^1\. \S*horarios-y-festivos\.md @ Horarios y festivos > Horario de la tienda {2}\(confidence 1\.00/,
    );
    const json = JSON.parse((await cli("knowledge", "search", "la-espiga", "wifi", "--json")).stdout);
    // "wifi" is the same word in both languages: the FAQ's Spanish or English entry may come first.
    expect(json[0]).toMatchObject({
      source: { kind: "json" },
      chunk: { title: expect.stringMatching(/wifi/i) },
    });

    const remove = await cli("knowledge", "remove", "la-espiga", uri!);
    expect(remove.stdout).toBe(`removed ${uri} (6 chunks) from la-espiga`);
    expect((await cli("knowledge", "list", "la-espiga")).stdout).not.toContain("horarios-y-festivos");
  });

  it("says how to create an agent that does not exist, and how to list sources", async () => {
    const missing = await cli("knowledge", "add", "nadie", knowledgeDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("agent not found: nadie");
    expect(missing.stderr).toContain("alambique agents create --file agent.yaml");
    const gone = await cli("knowledge", "remove", "la-espiga", "no/such.md");
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("alambique knowledge list la-espiga");
  });

  it("fails on a file that does not exist, naming it, and adds nothing; suggests the agent meant", async () => {
    const missing = join(knowledgeDir, "missing.pdf");
    const run = await cli(
      "knowledge",
      "add",
      "la-espiga",
      join(knowledgeDir, "horarios-y-festivos.md"),
      missing,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`file or folder not found: ${missing}`);
    expect(run.stderr).toContain("nothing was added");
    const typo = await cli("knowledge", "list", "la-espig");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("did you mean la-espiga?");
  });

  it("rejects an unknown search mode as a usage error", async () => {
    const run = await cli("knowledge", "search", "la-espiga", "pan", "--mode", "fuzzy");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("bm25");
  });
});
