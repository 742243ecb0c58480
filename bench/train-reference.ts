/**
 * The reference for `bench/train.ts`: llama.cpp's own `llama-finetune`
 * (examples/training), built once from the llama.cpp source node-llama-cpp
 * ships (`node_modules/node-llama-cpp/llama/gitRelease.bundle`: the same
 * commit as the libraries our trainer calls), with the compiler flags for
 * this CPU. Never shipped: it lives in `os.tmpdir()/alambique-bench/`.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bundle = fileURLToPath(
  new URL("../node_modules/node-llama-cpp/llama/gitRelease.bundle", import.meta.url),
);

/** The binary's path, building it first when it is not there (minutes, once). */
export function llamaFinetune(log: (line: string) => void): string {
  const hash = createHash("sha256").update(readFileSync(bundle)).digest("hex").slice(0, 12);
  const root = join(tmpdir(), "alambique-bench", `llama.cpp-${hash}`);
  const binary = join(root, "build", "bin", "llama-finetune");
  if (existsSync(binary)) return binary;
  log(`building llama-finetune from node-llama-cpp's bundled llama.cpp into ${root} (once; several minutes)`);
  if (!existsSync(join(root, "src"))) execFileSync("git", ["clone", "--quiet", bundle, join(root, "src")]);
  const run = (args: string[]) => execFileSync("cmake", args, { stdio: ["ignore", "ignore", "inherit"] });
  run([
    ...["-S", join(root, "src"), "-B", join(root, "build"), "-DCMAKE_BUILD_TYPE=Release"],
    ...["-DLLAMA_CURL=OFF", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_SERVER=OFF", "-DBUILD_SHARED_LIBS=OFF"],
  ]);
  run(["--build", join(root, "build"), "--target", "llama-finetune", "-j", String(availableParallelism())]);
  return binary;
}
