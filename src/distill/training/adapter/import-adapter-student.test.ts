import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli } from "../../../cli/cli-process.fixture.js";
import { disposeLlamaRuntimes } from "../../../models/llamacpp/llama-runtime.js";
import { type StudentData, studentData } from "../student-test.fixture.js";
import { writeLoraAdapterFor } from "./lora-adapter.fixture.js";

/**
 * `students import --adapter`: a real GGUF LoRA adapter (random rank-4 pairs
 * written with the forge's GGUF writer) for the forged tiny base becomes a
 * student served on that base by llama.cpp with the adapter applied, through
 * `alambique run` and an agent's `model:`. Adapters that do not fit are
 * refused before anything is written, saying what does not fit.
 */
let d: StudentData;
beforeAll(async () => {
  d = await studentData();
}, 60_000);
afterAll(async () => {
  await disposeLlamaRuntimes();
});

const studentsDir = () => join(d.data, "models", "students");
const prompt = "¿Abrís el domingo?";
const run = async (model: string) => {
  const out = await d.cli("run", "--model", model, "--prompt", prompt, "--max-tokens", "12");
  expect(out.code, out.stderr).toBe(0);
  return out.stdout;
};
const importAdapter = (adapter: string, name: string, ...more: string[]) =>
  d.cli("students", "import", "--adapter", adapter, "--base", "tiny-base", "--name", name, ...more);

describe("students import --adapter", () => {
  it("serves the base with the adapter applied: the greedy answer changes, and at scale 0 it is the base's", async () => {
    // token_embd's pair too: llama.cpp takes it flipped, as checkLoraAdapter expects.
    const adapter = await writeLoraAdapterFor(d.base, join(d.data, "espiga.lora.gguf"), {
      weights: /^(token_embd|blk\.\d+\.attn_(q|output))\.weight$/,
    });
    const imported = await importAdapter(adapter, "espiga-lora", "--dataset", "bakery-faq@1", "--json");
    expect(imported.code, imported.stderr).toBe(0);
    const shown = JSON.parse(imported.stdout);
    expect(shown).toMatchObject({
      name: "espiga-lora",
      base: "tiny-base",
      engine: "import",
      dataset: { name: "bakery-faq", version: 1 },
      license: "apache-2.0",
      metrics: { validationLoss: null, baseValidationLoss: null },
      adapter: { rank: 4, alpha: 4, tensors: 5, scale: 1 },
      baseFile: d.base,
    });
    expect(shown.file).toBe(join(studentsDir(), "espiga-lora.lora.gguf"));
    expect(createHash("sha256").update(readFileSync(shown.file)).digest("hex")).toBe(shown.sha256);
    expect(JSON.parse((await d.cli("students", "show", "espiga-lora", "--json")).stdout)).toEqual(shown);
    expect((await d.cli("students", "list")).stdout).toMatch(
      /^espiga-lora\s+tiny-base\s+bakery-faq@1\s+import \(LoRA\)/m,
    );

    const base = await run("tiny-base");
    const adapted = await run("espiga-lora");
    console.log(`base: ${JSON.stringify(base)}\nwith the adapter: ${JSON.stringify(adapted)}`);
    expect(adapted).not.toBe(base);
    expect(await run("espiga-lora")).toBe(adapted); // greedy: the same every time
    expect((await importAdapter(adapter, "espiga-lora-off", "--scale", "0")).code).toBe(0);
    expect(await run("espiga-lora-off")).toBe(base);
    expect((await d.cli("students", "remove", "espiga-lora-off")).code).toBe(0);

    const out = join(d.data, "export-lora");
    expect((await d.cli("students", "export", "espiga-lora", "--out", out)).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["Modelfile", "README.md", "espiga-lora.lora.gguf"]);
    const modelfile = readFileSync(join(out, "Modelfile"), "utf8");
    expect(modelfile).toMatch(new RegExp(`^FROM ${d.base}\nADAPTER \\./espiga-lora\\.lora\\.gguf$`, "m"));
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain(
      "A LoRA adapter (rank 4, alpha 4, 5 matrices)",
    );
  }, 180_000);

  it("answers as an agent's model; removing it deletes the adapter, never the base", async () => {
    const spec = join(d.data, "agent.yaml");
    const chat = async (model: string) => {
      writeFileSync(
        spec,
        `name: espiga-mini\npersona: Lucía, de la Panadería La Espiga.\nlanguages: [es]\nmodel: ${model}\n`,
      );
      const created = await d.cli("agents", "create", "--file", spec, "--no-knowledge");
      expect(created.code, created.stderr).toBe(0);
      const session = spawnCli(
        ["chat", "espiga-mini", "--data", d.data],
        {},
        { input: `${prompt}\n/quit\n` },
      );
      expect(await session.exited, session.output().stderr).toBe(0);
      return session.output().stdout.trim();
    };
    const adapted = await chat("espiga-lora");
    expect(adapted.length).toBeGreaterThan(0);
    expect(await chat("tiny-base")).not.toBe(adapted);

    const removed = await d.cli("students", "remove", "espiga-lora");
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/^removed espiga-lora and .*espiga-lora\.lora\.gguf$/);
    expect(existsSync(d.base)).toBe(true);
    expect(await run("tiny-base")).toBeTruthy();
  }, 180_000);

  it("refuses what is not an adapter for this base, saying what does not fit; nothing is written", async () => {
    const write = (name: string, options: Parameters<typeof writeLoraAdapterFor>[2]) =>
      writeLoraAdapterFor(d.base, join(d.data, `${name}.gguf`), options);
    const cases: [string, string, RegExp][] = [
      ["whole-model", d.base, /tiny\.gguf is a model, not a LoRA adapter \(general\.type is "model"\)/],
      ["missing", join(d.data, "nowhere.gguf"), /the adapter .*nowhere\.gguf does not exist/],
      [
        "qwen",
        await write("qwen", { architecture: "qwen2" }),
        /is an adapter for the qwen2 architecture; the base .*tiny\.gguf is llama/,
      ],
      [
        "transposed",
        await write("transposed", { weights: /^blk\.\d+\.attn_k\.weight$/, transposed: true }),
        /does not fit the base .*: 2 problems: blk\.0\.attn_k\.weight is \[64, 32\] in the base, the adapter's A is \[4, 64\] and B \[32, 4\]/,
      ],
    ];
    for (const [name, file, message] of cases) {
      const refused = await importAdapter(file, `bad-${name}`);
      expect(refused.code, name).toBe(1);
      expect(refused.stderr, name).toMatch(message);
      expect(refused.stderr, name).toMatch(
        /training_adapter_(invalid|mismatch)|convert_lora_to_gguf|trained from/,
      );
      expect((await d.cli("students", "show", `bad-${name}`)).code).toBe(1);
    }
    expect(readdirSync(studentsDir()).filter((f) => f.startsWith("bad-") || f.startsWith("."))).toEqual([]);
  }, 60_000);
});
