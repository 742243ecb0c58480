import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { forgedModelPath } from "../models/forge/forged-model.fixture.js";
import { runCli } from "./run-cli.fixture.js";

/** A loopback port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe("alambique models and run", () => {
  let data: string;
  let gguf: string;
  const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), "alq-models-"));
    gguf = await forgedModelPath("tiny", 1);
  });

  it("forges a model file", async () => {
    const out = join(data, "forged.gguf");
    const run = await cli("models", "forge", "--out", out, "--seed", "7");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(out);
    expect(run.stdout).toMatch(/tiny, seed 7/);
  });

  it("forges into the data folder when no --out is given, and says where", async () => {
    const run = await cli("models", "forge", "--seed", "3");
    expect(run.code, run.stderr).toBe(0);
    const path = join(data, "models", "forged-tiny-seed3.gguf");
    expect(run.stdout.startsWith(`${path}:`)).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(run.stderr).toContain(`alambique models add tiny --gguf ${path}`);
  });

  it("takes a pasted Hugging Face link, and guides Ollama names to Ollama's own GGUF or endpoint", async () => {
    const port = await closedPort();
    const link = "https://huggingface.co/owner/repo/resolve/main/model-Q4_K_M.gguf?download=true";
    const hub = await runCli(["models", "add", "linked", "--hf", link, "--data", data], {
      HF_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    // Parsed, not garbled into `hf:https:/…`: it is the download that fails here, offline.
    expect(hub.stderr).toContain("to download hf:owner/repo/model-Q4_K_M.gguf");

    const ollama = mkdtempSync(join(tmpdir(), "alq-ollama-"));
    const digest = "sha256-".concat("ef".repeat(32));
    mkdirSync(join(ollama, "manifests", "registry.ollama.ai", "library", "llama3.1"), { recursive: true });
    mkdirSync(join(ollama, "blobs"));
    writeFileSync(
      join(ollama, "manifests", "registry.ollama.ai", "library", "llama3.1", "8b"),
      JSON.stringify({
        layers: [{ mediaType: "application/vnd.ollama.image.model", digest: digest.replace("-", ":") }],
      }),
    );
    copyFileSync(gguf, join(ollama, "blobs", digest));
    const env = { OLLAMA_MODELS: ollama };
    const named = await runCli(["models", "add", "llama8b", "--hf", "llama3.1:8b", "--data", data], env);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('"llama3.1:8b" is an Ollama model name');
    const blob = join(ollama, "blobs", digest);
    expect(named.stderr).toContain(`alambique models add llama8b --gguf ${blob}`);
    expect(named.stderr).toContain("--url http://127.0.0.1:11434/v1 --remote-model llama3.1:8b");
    const bare = await runCli(["models", "add", "llama3.1:8b", "--data", data], env);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(`--gguf ${blob}`);
    // What the guidance says works.
    const added = await runCli(["models", "add", "llama8b", "--gguf", blob, "--data", data], env);
    expect(added.code, added.stderr).toBe(0);
    expect((await cli("models", "remove", "llama8b")).code).toBe(0);
  });

  it("adds a GGUF with facts read from its header, lists, shows and removes it", async () => {
    const add = await cli("models", "add", "tiny", "--gguf", gguf);
    expect(add.code, add.stderr).toBe(0);
    const show = await cli("models", "show", "tiny", "--json");
    const record = JSON.parse(show.stdout);
    expect(record).toMatchObject({
      name: "tiny",
      source: `gguf:${gguf}`,
      architecture: "llama",
      contextLength: 4096,
      licenseId: "apache-2.0",
      weightsOpenness: "open",
      outputsMayTrain: true,
    });
    expect(record.parameterCount).toBeGreaterThan(100_000);
    expect((await cli("models", "list")).stdout).toMatch(
      /tiny\s+gguf:.*llama.*apache-2.0\s+open\/\?\/\?\s+yes/,
    );
    const again = await cli("models", "add", "tiny", "--gguf", gguf);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already");
    expect((await cli("models", "remove", "tiny")).code).toBe(0);
    expect((await cli("models", "show", "tiny")).code).toBe(1);
  });

  it("records licence facts given on the command line", async () => {
    const run = await cli(
      "models",
      "add",
      "llama",
      "--gguf",
      gguf,
      "--license",
      "llama3.1",
      "--data-openness",
      "closed",
    );
    expect(run.code, run.stderr).toBe(0);
    const record = JSON.parse((await cli("models", "show", "llama", "--json")).stdout);
    expect(record).toMatchObject({
      licenseId: "llama3.1",
      weightsOpenness: "gated",
      dataOpenness: "closed",
      outputsMayTrain: true,
    });
    expect(record.metadata.licenseConditions).toContain("Built with Llama");
  });

  it("refuses files that are not GGUF, missing files and bad flags, clearly", async () => {
    const notGguf = await cli("models", "add", "x", "--gguf", join(process.cwd(), "package.json"));
    expect(notGguf.code).toBe(1);
    expect(notGguf.stderr).toContain("not a GGUF file");
    const missing = await cli("models", "add", "x", "--gguf", join(data, "nope.gguf"));
    expect(missing.stderr).toContain("not found");
    const bad = await cli("models", "add", "x", "--gguf", gguf, "--weights", "half-open");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Allowed choices are open, gated, closed");
  });

  it("says at once that an engine or the hub cannot be reached", async () => {
    const port = await closedPort();
    const engine = await cli("models", "add", "remote", "--url", `http://127.0.0.1:${port}/v1`);
    expect(engine.code).toBe(1);
    expect(engine.stderr).toContain("no OpenAI-compatible engine answered");
    const started = Date.now();
    const hub = await runCli(
      ["models", "add", "hf-model", "--hf", "owner/repo/model-Q4_K_M.gguf", "--data", data],
      { HF_ENDPOINT: `http://127.0.0.1:${port}` },
    );
    expect(hub.code).toBe(1);
    expect(hub.stderr).toContain("could not reach 127.0.0.1");
    expect(hub.stderr).toContain("--gguf PATH");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("runs a prompt and streams text", async () => {
    const run = await cli("run", "--model", gguf, "--prompt", "hola", "--max-tokens", "8", "--seed", "1");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(0);
  });

  it("prints JSON that parses and matches the schema, for many seeds, even when max tokens cut it short", async () => {
    const schema = '{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}';
    for (let seed = 0; seed < 12; seed++) {
      const run = await cli(
        "run",
        "--model",
        gguf,
        "--prompt",
        "hi",
        "--max-tokens",
        "16",
        "--seed",
        String(seed),
        "--json-schema",
        schema,
      );
      expect(run.code, `seed ${seed}: ${run.stderr}`).toBe(0);
      const value = JSON.parse(run.stdout);
      expect(typeof value.a, `seed ${seed}: ${run.stdout}`).toBe("string");
      expect(Object.keys(value)).toContain("a");
    }
  });

  it("rejects a JSON schema that is not JSON, naming the problem", async () => {
    const run = await cli("run", "--model", gguf, "--prompt", "hi", "--json-schema", "{not json");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("not valid JSON");
  });
});
