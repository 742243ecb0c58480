import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AlambiqueError } from "../../spec/errors.js";

/** The shipped corpus files the forge learns its merges from, in training order. */
export const FORGE_CORPUS_FILES = ["corpus-en.txt", "corpus-es.txt"] as const;

/**
 * Finds `data/forge/` by walking up from this module, so the same code works
 * from `src/` (tsx, vitest) and from `dist/src/` (the published package, whose
 * `files` include `data`). Throws AlambiqueError `forge_failed` when absent.
 */
export function forgeDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    const candidate = join(dir, "data", "forge");
    if (existsSync(join(candidate, FORGE_CORPUS_FILES[0]))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new AlambiqueError("the forge's training corpus (data/forge/corpus-en.txt) was not found", {
    code: "forge_failed",
    status: 500,
    retryable: false,
    hint: "reinstall alambique: the package's data/forge/ folder is missing",
  });
}

/** The corpus texts, English then Spanish. */
export async function readForgeCorpus(): Promise<string[]> {
  const dir = forgeDataDir();
  return Promise.all(FORGE_CORPUS_FILES.map((file) => readFile(join(dir, file), "utf8")));
}
