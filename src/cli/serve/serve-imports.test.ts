import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";

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
  "@fastify/ajv-compiler", // Fastify's JSON-schema compilers: our routes validate with zod (src/server/lazy-schema-compilers.ts)
  "@fastify/fast-json-stringify-compiler",
  "ajv",
];

const root = fileURLToPath(new URL("../../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "alq-serve-imports-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Node arguments that record into `seen` every module URL the process resolves (a module resolve hook: ES
 * modules), and the CommonJS modules loaded by then when it gets SIGTERM or exits (`require()` calls inside a
 * package, such as Fastify's, never reach the resolve hook).
 */
function recordingImports(seen: string): string[] {
  const hooks = join(work, "hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.ALQ_SEEN, resolved.url + "\\n");
  return resolved;
}\n`,
  );
  const register = join(work, "register.mjs");
  writeFileSync(
    register,
    `import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";
register(${JSON.stringify(pathToFileURL(hooks).href)});
const required = () =>
  appendFileSync(process.env.ALQ_SEEN, Object.keys(createRequire(import.meta.url).cache).map((path) => pathToFileURL(path).href + "\\n").join(""));
process.prependListener("SIGTERM", required);
process.on("exit", required);\n`,
  );
  writeFileSync(seen, "");
  return ["--import", pathToFileURL(register).href];
}

/** The npm packages among resolved module URLs. */
function packagesOf(urls: string[]): Set<string> {
  const packages = new Set<string>();
  for (const url of urls) {
    const name = url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];
    if (name) packages.add(name);
  }
  return packages;
}

describe("serve's start-up imports", () => {
  it("leave every package that is only needed on first use to its first use (the sources)", () => {
    // The CLI (bin/alambique.js runs its bundle) and what its `serve` command imports when it runs.
    const seen = join(work, "seen-sources.txt");
    const entries = [join(root, "src/cli/main.ts"), join(root, "src/cli/serve/start-server.ts")];
    const run = spawnSync(
      process.execPath,
      [
        ...recordingImports(seen),
        "--import",
        pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href,
        "-e",
        entries.map((entry) => `await import(${JSON.stringify(pathToFileURL(entry).href)});`).join("\n"),
      ],
      { cwd: root, encoding: "utf8", timeout: 80_000, env: { ...process.env, ALQ_SEEN: seen } },
    );
    expect(run.status, run.stderr).toBe(0);
    const packages = packagesOf(readFileSync(seen, "utf8").split("\n"));
    expect(packages.has("fastify"), "the trace saw serve's own imports").toBe(true);
    expect(loadedOnFirstUse.filter((name) => packages.has(name))).toEqual([]);
  }, 90_000);

  it("do the same in the bundle that bin/alambique.js runs, up to listening, with every module of ours from it", async () => {
    // Built here from the sources (scripts/bundle-cli.mjs, as `npm run build` does), so that a stale dist/ cannot
    // pass: esbuild's chunks must keep each `await import()` of ours lazy, and its packages external.
    // Inside the clone (node_modules/.cache), not in /tmp: its imports of packages resolve from the folder it is in.
    const cache = join(root, "node_modules", ".cache");
    mkdirSync(cache, { recursive: true });
    const bundle = mkdtempSync(join(cache, "alq-serve-imports-"));
    onTestFinished(() => rmSync(bundle, { recursive: true, force: true }));
    const build = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { bundleCli } = await import(${JSON.stringify(pathToFileURL(join(root, "scripts/bundle-cli.mjs")).href)});
await bundleCli(${JSON.stringify(bundle)});`,
      ],
      { cwd: root, encoding: "utf8", timeout: 60_000 },
    );
    expect(build.status, build.stderr).toBe(0);

    const seen = join(work, "seen-bundle.txt");
    const data = join(work, "data");
    const serve = spawn(
      process.execPath,
      [
        ...recordingImports(seen),
        "--input-type=module",
        "-e", // what bin/alambique.js does, with this bundle
        `const { main } = await import(${JSON.stringify(pathToFileURL(join(bundle, "main.js")).href)});
process.exitCode = await main(["serve", "--port", "0", "--data", ${JSON.stringify(data)}]);`,
      ],
      { cwd: work, env: { ...process.env, ALQ_SEEN: seen }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    serve.stdout.on("data", (chunk) => {
      output += chunk;
    });
    serve.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const exited = new Promise((resolve) => serve.once("exit", resolve));
    try {
      const deadline = Date.now() + 60_000;
      while (!/is serving http/.test(output)) {
        if (serve.exitCode !== null) throw new Error(`serve exited (${serve.exitCode}):\n${output}`);
        if (Date.now() > deadline) throw new Error(`serve was not listening after 60 s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      serve.kill("SIGTERM");
      await exited;
    }

    const urls = readFileSync(seen, "utf8").split("\n").filter(Boolean);
    const packages = packagesOf(urls);
    expect(packages.has("fastify"), "the trace saw serve's own imports").toBe(true);
    expect(loadedOnFirstUse.filter((name) => packages.has(name))).toEqual([]);
    const bundleUrl = pathToFileURL(bundle).href;
    const ours = urls.filter((url) => url.startsWith("file:") && !url.includes("/node_modules/"));
    // Not one module of ours from src/ or tsc's dist/: an `import.meta.url` rewritten wrongly, or an import the
    // bundle left out, would load a second copy of the code beside the bundle's.
    expect(ours.filter((url) => !url.startsWith(bundleUrl))).toEqual([]);
    // The bundle's point: a few files instead of ~370 (its entry and the chunks serve needs; today about 40).
    expect(new Set(ours).size).toBeLessThan(80);
  }, 90_000);
});
