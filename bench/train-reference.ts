/**
 * The reference for `bench/train.ts`: llama.cpp's own `llama-finetune`
 * (examples/training), built once from the llama.cpp source node-llama-cpp
 * ships (`node_modules/node-llama-cpp/llama/gitRelease.bundle`: the same
 * commit as the libraries our trainer calls), with the compiler flags for
 * this CPU. Never shipped: it lives in `os.tmpdir()/alambique-bench/`.
 *
 * When the remote-engine tests' llama.cpp build of the same commit is there
 * (`.ci/build-llama-server.sh`: shared libraries, `-march=native`, OpenMP),
 * only `examples/training/finetune.cpp` is compiled and linked against its
 * libraries: seconds instead of a whole build on a shared 2-core machine.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { arch, availableParallelism, homedir, platform, tmpdir } from "node:os";
import { dirname, join } from "node:path";
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
  const linked = againstSharedBuild(root, log);
  if (linked) return linked;
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

/** The `.ci/build-llama-server.sh` build of the bundle's commit (source and libraries); undefined when there is none. */
function sharedBuild(): { commit: string; source: string; libs: string } | undefined {
  const heads = execFileSync("git", ["bundle", "list-heads", bundle], { encoding: "utf8" });
  const commit = /^([0-9a-f]{40}) HEAD$/m.exec(heads)?.[1];
  const cache =
    process.env.ALAMBIQUE_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "alambique");
  const source = join(cache, "llama-server", commit ?? "none");
  const libs = join(source, "build", "bin");
  if (!commit || !["libllama.so", "libllama-common.so"].every((f) => existsSync(join(libs, f))))
    return undefined;
  return { commit, source, libs };
}

/**
 * The `.ci/build-llama-server.sh` build's library folder (`-march=native`,
 * OpenMP; the commit node-llama-cpp bundles): what `ALAMBIQUE_LLAMA_LIBRARIES`
 * can point our trainer at. Undefined when it is not built.
 */
export function nativeLibraries(): string | undefined {
  return sharedBuild()?.libs;
}

/** llama-finetune linked against the `.ci/build-llama-server.sh` build of the bundle's commit; undefined when there is none. */
function againstSharedBuild(root: string, log: (line: string) => void): string | undefined {
  const build = sharedBuild();
  if (!build) return undefined;
  const binary = join(root, "shared", "llama-finetune");
  if (existsSync(binary)) return binary;
  log(
    `compiling llama-finetune against the llama.cpp ${build.commit.slice(0, 12)} libraries in ${build.libs}`,
  );
  compileFinetune(
    build.source,
    binary,
    ["-march=native", "-fopenmp"],
    [`-L${build.libs}`, "-lllama-common", "-lllama", "-lggml", "-lggml-base", `-Wl,-rpath,${build.libs}`],
  );
  return binary;
}

/**
 * The same finetune.cpp linked against node-llama-cpp's own prebuilt
 * libraries, the ones our trainer calls (run it with `cwd` = `libraries`, where
 * ggml finds its CPU variants): llama.cpp's trainer loop with our engine's
 * binaries, which separates what the binaries cost (a generic prebuilt build,
 * ggml's own thread pool) from what our loop around them costs. Undefined
 * without the shared build (its headers and common library) or prebuilt
 * binaries for this platform.
 */
export function llamaFinetunePrebuilt(
  log: (line: string) => void,
): { binary: string; libraries: string } | undefined {
  const build = sharedBuild();
  const target = `${platform()}-${arch()}`;
  const libraries = fileURLToPath(
    new URL(`../node_modules/@node-llama-cpp/${target}/bins/${target}`, import.meta.url),
  );
  if (!build || !existsSync(join(libraries, "libllama-common.so"))) return undefined;
  const binary = join(
    tmpdir(),
    "alambique-bench",
    `finetune-prebuilt-${build.commit.slice(0, 12)}`,
    "llama-finetune",
  );
  if (existsSync(binary)) return { binary, libraries };
  log("compiling llama-finetune against node-llama-cpp's prebuilt libraries (once; about a minute)");
  const lib = (name: string) =>
    `-l:${readdirSync(libraries).find((f) => new RegExp(`^lib${name}(\\.v[0-9.]+)?\\.so$`).test(f))}`;
  compileFinetune(
    build.source,
    binary,
    [],
    [`-L${libraries}`, "-lllama-common", lib("llama"), lib("ggml"), "-lggml-base", `-Wl,-rpath,${libraries}`],
  );
  return { binary, libraries };
}

function compileFinetune(source: string, binary: string, flags: string[], libs: string[]): void {
  mkdirSync(dirname(binary), { recursive: true });
  const temp = `${binary}.${process.pid}.tmp`;
  execFileSync(
    "c++",
    [
      ...["-O3", "-DNDEBUG", "-std=gnu++17", ...flags],
      ...["include", "common", "ggml/include", "vendor"].map((dir) => `-I${join(source, dir)}`),
      join(source, "examples", "training", "finetune.cpp"),
      ...["-o", temp, ...libs],
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  renameSync(temp, binary);
}
