// Bundles the CLI (src/cli/main.ts) into dist/cli-bundle/ with esbuild, for bin/alambique.js to load.
//
// Why: `serve` used to load ~490 ES modules of ours and zod's before listening, each resolved, read and compiled
// on its own (bench/startup.ts; most of start-up's CPU). One entry file plus a chunk per lazily imported part
// loads in a few files. Contracts kept:
// - lazy stays lazy: `splitting` turns every `await import("./x.js")` of ours into its own chunk, loaded on first
//   use as before (src/cli/serve/serve-imports.test.ts guards which packages load before listening);
// - every npm package stays external (`packages: "external"`): native and optional ones (better-sqlite3,
//   node-llama-cpp, pg) must be, and one copy of each package is what the library build (dist/index.js) uses too;
// - `import.meta.url` in each source file still names that file's tsc output in dist/ (the worker entries, web/,
//   data/ and package.json are found relative to it), rewritten below to a URL relative to the bundle's folder;
// - source maps point at src/ (node --enable-source-maps prints TypeScript lines).
// Needs tsc's dist/ beside it (worker threads run dist/knowledge/reading-worker.js and the like).
import { rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const bundleDir = join(root, "dist", "cli-bundle");

/**
 * Rewrites `import.meta.url` in src/**.ts to the URL tsc's output of that file has, relative to `outdir` (where
 * the entry and every chunk are written, so one relative path serves whichever chunk the code lands in).
 */
const keepModuleUrls = (outdir) => ({
  name: "keep-module-urls",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const source = relative(join(root, "src"), path);
      if (source.startsWith("..")) return undefined; // not ours: esbuild's own loader
      let contents = await readFile(path, "utf8");
      if (contents.includes("import.meta.url")) {
        const compiled = join(root, "dist", source).replace(/\.ts$/, ".js");
        const fromBundle = relative(outdir, compiled).split(sep).join("/");
        contents = contents.replaceAll(
          "import.meta.url",
          `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
        );
      }
      return { contents, loader: "ts" };
    });
  },
});

/**
 * Writes the bundle into `outdir` (emptied first: chunk names carry a hash, old ones would pile up) and returns
 * esbuild's metafile (which source went into which output). Throws esbuild's error, with file and line, when a
 * source does not build. Another `outdir` is for tests; its `import.meta.url`s still name this clone's dist/.
 */
export async function bundleCli(outdir = bundleDir) {
  const { build } = await import("esbuild");
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { main: join(root, "src", "cli", "main.ts") },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    chunkNames: "[name]-[hash]",
    metafile: true,
    logLevel: "warning",
    plugins: [keepModuleUrls(outdir)],
  });
  return result.metafile;
}
