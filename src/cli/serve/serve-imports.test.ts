import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Packages `serve` must not import before its first use of them: each costs tens to hundreds of ms of CPU at
 * start-up (bench/startup.ts), and none is needed to listen. A static import of one of them anywhere on
 * `serve`'s module graph (a route, a helper it imports) puts that cost back; import it inside the function that
 * uses it instead (`await import(...)`, or `loadAiSdk()` for the AI SDK).
 */
const loadedOnFirstUse = [
  "ai", // the AI SDK: model steps, tools, embeddings (src/models/ai-sdk.ts)
  "node-llama-cpp", // the embedded engine (src/models/model-registry.ts)
  "@ai-sdk/openai-compatible", // remote engines
  "@modelcontextprotocol/sdk", // MCP tools
  "imapflow", // the e-mail channel
  "nodemailer",
  "mailparser",
  "pg", // PostgreSQL stores only
  "htmlparser2", // document readers: ingestion's first read
  "csv-parse",
  "yaml", // the first YAML file read (src/config/read-yaml-file.ts)
  "pino-pretty", // logs for a terminal only (src/log/create-logger.ts)
];

const root = fileURLToPath(new URL("../../..", import.meta.url));

/** The packages the static import graphs of `entries` reach, recorded by a module resolve hook in a child process. */
function packagesImportedBy(entries: string[]): Set<string> {
  const work = mkdtempSync(join(tmpdir(), "alq-serve-imports-"));
  try {
    const seen = join(work, "seen.txt");
    writeFileSync(
      join(work, "hooks.mjs"),
      `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url.includes("/node_modules/")) appendFileSync(${JSON.stringify(seen)}, resolved.url + "\\n");
  return resolved;
}\n`,
    );
    writeFileSync(
      join(work, "register.mjs"),
      `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(work, "hooks.mjs")).href)});\n`,
    );
    writeFileSync(seen, "");
    const tsx = createRequire(import.meta.url).resolve("tsx");
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        pathToFileURL(join(work, "register.mjs")).href,
        "--import",
        pathToFileURL(tsx).href,
        "-e",
        entries.map((entry) => `await import(${JSON.stringify(pathToFileURL(entry).href)});`).join("\n"),
      ],
      { cwd: root, encoding: "utf8", timeout: 80_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const packages = new Set<string>();
    for (const url of readFileSync(seen, "utf8").split("\n")) {
      const name = url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];
      if (name) packages.add(name);
    }
    return packages;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe("serve's start-up imports", () => {
  it("leave every package that is only needed on first use to its first use", () => {
    // The CLI (bin/alambique.js runs it) and what its `serve` command imports when it runs.
    const packages = packagesImportedBy([
      join(root, "src/cli/main.ts"),
      join(root, "src/cli/serve/start-server.ts"),
    ]);
    expect(packages.has("fastify"), "the trace saw serve's own imports").toBe(true);
    expect(loadedOnFirstUse.filter((name) => packages.has(name))).toEqual([]);
  }, 90_000);
});
