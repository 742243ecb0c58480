import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import { runCli } from "../run-cli.fixture.js";

/** `agents create`: what would fail only when a customer writes is refused when the agent is saved. */
describe("alambique agents create, checked", () => {
  let data: string;
  let dir: string;
  const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});
  const agentFile = (name: string, yaml: string) => {
    const file = join(dir, name);
    writeFileSync(file, yaml);
    return file;
  };

  beforeAll(() => {
    data = mkdtempSync(join(tmpdir(), "alq-agents-"));
    dir = mkdtempSync(join(tmpdir(), "alq-agent-files-"));
    mkdirSync(join(dir, "docs"));
    writeFileSync(join(dir, "docs", "faq.md"), "# Horario\n\nAbrimos de 8 a 14.\n");
  });

  it("refuses a model not in the catalog and a missing knowledge folder, both in one run, and saves nothing", async () => {
    const file = agentFile(
      "panaderia.yaml",
      "name: panaderia\npersona: La panadería.\nmodel: llama3\nknowledge: [documentos]\n",
    );
    const run = await cli("agents", "create", "--file", file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("refers to 2 things that do not exist");
    expect(run.stderr).toContain('model: "llama3" is not in the model catalog (the catalog is empty)');
    expect(run.stderr).toContain("alambique models add llama3");
    // An Ollama habit: say how to use what Ollama has.
    expect(run.stderr).toContain("http://127.0.0.1:11434/v1");
    expect(run.stderr).toContain(
      `knowledge.0: "documentos" does not exist (looked for ${join(dir, "documentos")})`,
    );
    expect((await cli("agents", "list")).stdout).toContain("No agents yet");
  });

  it("saves the agent once the model is in the catalog and the folder exists", async () => {
    const gguf = await forgedModelPath("tiny", 1);
    expect((await cli("models", "add", "tiny", "--gguf", gguf)).code).toBe(0);
    const file = agentFile(
      "ok.yaml",
      "name: panaderia\npersona: La panadería.\nmodel: tiny\nknowledge: [docs]\n",
    );
    const run = await cli("agents", "create", "--file", file);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("created agent panaderia");
    expect(run.stdout).toMatch(/knowledge of panaderia: 1 added/);
    // --no-knowledge neither reads nor checks the paths.
    const later = agentFile("later.yaml", "name: later\npersona: Más tarde.\nknowledge: [not-yet]\n");
    expect((await cli("agents", "create", "--file", later, "--no-knowledge")).code).toBe(0);
  });

  it("reports every mistake of a spec in one run, each with its line", async () => {
    const file = agentFile(
      "three.yaml",
      "name: Three Mistakes\npersona: p\nlanguages: [spanish]\nmaxSteps: many\n",
    );
    const run = await cli("agents", "create", "--file", file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("3 problems:");
    expect(run.stderr).toMatch(/line 1, column 1: name: use 1-64 lowercase/);
    expect(run.stderr).toMatch(/line 3, column \d+: languages\.0:/);
    expect(run.stderr).toMatch(/line 4, column 1: maxSteps:/);
  });
});
