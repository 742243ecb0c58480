import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../spec/errors.js";
import { loadConfig } from "./load-config.js";

function dirWith(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "alq-config-"));
  if (yaml !== undefined) writeFileSync(join(dir, "alambique.yaml"), yaml);
  return dir;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("uses defaults when there is no file", () => {
    const cwd = dirWith();
    const config = loadConfig({ cwd, env: {} });
    expect(config.file).toBeNull();
    expect(config.dataPath).toBe(join(cwd, ".alambique"));
    expect(config.storeUrl).toBe(join(cwd, ".alambique", "alambique.db"));
    expect(config.server).toEqual({ host: "127.0.0.1", port: 8787 });
  });

  it("reads the file, resolving paths against the file's folder", () => {
    const cwd = dirWith(
      "dataDir: ./state\nserver:\n  port: 9000\nmodels:\n  teacher:\n    url: http://127.0.0.1:8000/v1\n    apiKeyEnv: VLLM_KEY\ndefaultModel: teacher\n",
    );
    const config = loadConfig({ cwd: tmpdir(), file: join(cwd, "alambique.yaml"), env: {} });
    expect(config.dataPath).toBe(join(cwd, "state"));
    expect(config.server.port).toBe(9000);
    expect(config.models.teacher?.url).toBe("http://127.0.0.1:8000/v1");
    expect(config.defaultModel).toBe("teacher");
  });

  it("lets the environment override the file and flags override the environment", () => {
    const cwd = dirWith("dataDir: ./fromfile\nserver:\n  port: 9000\n");
    const env = { ALAMBIQUE_DATA: "/tmp/from-env", DATABASE_URL: "postgres://u@localhost/db", PORT: "7000" };
    const fromEnv = loadConfig({ cwd, env });
    expect(fromEnv.dataPath).toBe("/tmp/from-env");
    expect(fromEnv.storeUrl).toBe("postgres://u@localhost/db");
    expect(fromEnv.server.port).toBe(7000);
    expect(loadConfig({ cwd, env, dataDir: "flag" }).dataPath).toBe(join(cwd, "flag"));
  });

  it("names the line and column of broken YAML", () => {
    const cwd = dirWith("server:\n  port: 80\n  host: [unclosed\n");
    const error = errorOf(() => loadConfig({ cwd, env: {} }));
    expect(error.message).toContain("alambique.yaml");
    expect(error.message).toMatch(/line \d+, column \d+/);
  });

  it("names the key path, position and expectation of a wrong value", () => {
    const cwd = dirWith('dataDir: ./x\nserver:\n  port: "eighty"\n');
    const error = errorOf(() => loadConfig({ cwd, env: {} }));
    expect(error.message).toContain("line 3, column 3");
    expect(error.message).toContain("server.port");
    expect(error.message).toMatch(/number/);
  });

  it("takes browser origins for CORS and refuses one with a path", () => {
    const ok = loadConfig({ cwd: dirWith("server:\n  corsOrigins: [https://shop.example, '*']\n"), env: {} });
    expect(ok.server.corsOrigins).toEqual(["https://shop.example", "*"]);
    const cwd = dirWith("server:\n  corsOrigins: [https://shop.example/widget]\n");
    const error = errorOf(() => loadConfig({ cwd, env: {} }));
    expect(error.message).toContain("server.corsOrigins.0");
    expect(error.message).toContain("no path");
  });

  it("rejects unknown keys and says which", () => {
    const cwd = dirWith("server:\n  prot: 80\n");
    const error = errorOf(() => loadConfig({ cwd, env: {} }));
    expect(error.message).toContain('unknown key "prot" in server');
    expect(error.message).toContain("line 2, column 3");
  });

  it("requires exactly one source per model", () => {
    const cwd = dirWith("models:\n  a:\n    gguf: a.gguf\n    hf: o/r/f.gguf\n");
    expect(errorOf(() => loadConfig({ cwd, env: {} })).message).toContain("exactly one of gguf, hf or url");
  });

  it("rejects a bad PORT naming the variable", () => {
    const error = errorOf(() => loadConfig({ cwd: dirWith(), env: { PORT: "http" } }));
    expect(error.message).toContain("environment variable PORT");
  });

  it("fails on an explicit file that does not exist", () => {
    expect(errorOf(() => loadConfig({ cwd: dirWith(), file: "nope.yaml", env: {} })).message).toContain(
      "file not found",
    );
  });
});
