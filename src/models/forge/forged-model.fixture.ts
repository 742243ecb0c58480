import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { forgeDataDir } from "./forge-corpus.js";
import { FORGE_VERSION, forgeModel } from "./forge-model.js";
import type { ForgePresetName } from "./forge-presets.js";

/**
 * Test fixture: the path of a forged model, made at most once per machine for
 * each (preset, seed, forge fingerprint) and shared by all test files and
 * processes through `os.tmpdir()/alambique-test-models/`.
 *
 * The fingerprint hashes FORGE_VERSION with the forge's own source files and
 * its corpus, so editing the forge refreshes the cache even if nobody bumps
 * the version. Concurrent test processes are safe: `forgeModel` writes under a
 * temporary name and renames, and identical options give identical bytes, so
 * whichever rename lands last leaves the same file.
 *
 * Files of other fingerprints untouched for a day are deleted when a new one
 * is forged. Tests must treat the file as read-only.
 */
export async function forgedModelPath(preset: ForgePresetName = "tiny", seed = 1): Promise<string> {
  const path = join(forgedModelCacheDir(), `forge-${preset}-seed${seed}-${fingerprint()}.gguf`);
  let pending = inProcess.get(path);
  if (pending === undefined) {
    pending = existsSync(path)
      ? Promise.resolve(path)
      : forgeModel({ out: path, preset, seed }).then((result) => {
          removeStaleModels();
          return result.path;
        });
    // A failure must not stick: the next caller tries again.
    pending.catch(() => inProcess.delete(path));
    inProcess.set(path, pending);
  }
  return pending;
}

/** Where the shared test models live. */
export function forgedModelCacheDir(): string {
  return join(tmpdir(), "alambique-test-models");
}

const inProcess = new Map<string, Promise<string>>();
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** Best effort: another process may be removing the same files. */
function removeStaleModels(): void {
  const dir = forgedModelCacheDir();
  for (const name of readdirSync(dir)) {
    if (!/^forge-.*\.gguf$/.test(name) || name.includes(`-${fingerprint()}.`)) continue;
    try {
      const path = join(dir, name);
      if (Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS) unlinkSync(path);
    } catch {
      // Already gone, or not ours to remove.
    }
  }
}
let cachedFingerprint: string | undefined;

function fingerprint(): string {
  if (cachedFingerprint !== undefined) return cachedFingerprint;
  const hash = createHash("sha256").update(`forge-v${FORGE_VERSION}\n`);
  const sourceDir = dirname(fileURLToPath(import.meta.url));
  const sources = readdirSync(sourceDir)
    .filter((name) => /\.(ts|js)$/.test(name) && !/\.(test|fixture)\./.test(name))
    .sort();
  const dataDir = forgeDataDir();
  const data = readdirSync(dataDir).sort();
  for (const [dir, names] of [
    [sourceDir, sources],
    [dataDir, data],
  ] as const) {
    for (const name of names) hash.update(`${name}\n`).update(readFileSync(join(dir, name)));
  }
  cachedFingerprint = `v${FORGE_VERSION}-${hash.digest("hex").slice(0, 12)}`;
  return cachedFingerprint;
}
