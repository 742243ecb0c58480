import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.fixture.js";

describe("alambique CLI", () => {
  it("prints help with the commands and exits 0", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("doctor");
    expect(run.stdout).toContain("demo");
  });

  it("prints the version", async () => {
    const run = await runCli(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("names an unknown command, suggests the closest, and exits 2", async () => {
    const run = await runCli(["doctr"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'doctr'");
    expect(run.stderr).toContain("Did you mean doctor?");
  });

  it("names an unknown flag, suggests the closest, and exits 2", async () => {
    const run = await runCli(["doctor", "--jsn"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--jsn'");
    expect(run.stderr).toContain("Did you mean --json?");
  });

  it("reports a broken config file with its line and column, exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "alq-cli-"));
    const file = join(dir, "alambique.yaml");
    writeFileSync(file, "server:\n  port: [80\n");
    const run = await runCli(["demo", "--config", file, "--data", dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toMatch(/line \d+, column \d+/);
  });
});
