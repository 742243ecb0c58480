/**
 * llama.cpp's own programs, the references of `bench/inference.ts --shapes
 * real`: `llama-server` and `llama-bench`, both from the llama.cpp source
 * node-llama-cpp bundles (the commit of its prebuilt binaries).
 *
 * `llama-server` comes from `.ci/build-llama-server.sh` (its cached build, or
 * a build of about 6 minutes on 2 cores). `llama-bench` is bench-only: its two
 * source files are compiled against that build's shared libraries (under a
 * minute) into `<cache>/llama-bench/<commit>/`, with the build's flags
 * (`-O3 -march=native`, OpenMP). Neither is ever shipped.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchCacheDir } from "./inference-real-models.js";

const buildScript = fileURLToPath(new URL("../.ci/build-llama-server.sh", import.meta.url));

export interface LlamaCppReferences {
  llamaServer: string;
  llamaBench: string;
  /**
   * The same llama-bench linked against node-llama-cpp's own prebuilt
   * libraries (run with `cwd` = `libraries`, where ggml finds its CPU variants):
   * the engine our provider runs, without the binding. Absent where this
   * platform has no prebuilt binaries.
   */
  prebuilt?: { llamaBench: string; libraries: string };
  /** The llama.cpp commit both are built from. */
  commit: string;
}

/** Finds or builds both binaries. Throws with the build's message when a build fails. */
export function llamaCppReferences(log: (line: string) => void): LlamaCppReferences {
  const cached = execFileSync("bash", [buildScript, "--print-path"], { encoding: "utf8" }).trim();
  if (!existsSync(cached))
    log("building llama-server from the bundled llama.cpp (once; about 6 minutes on 2 cores)");
  const llamaServer = execFileSync("bash", [buildScript], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .at(-1)!;
  // The script builds in <cache>/llama-server/<commit>/build/bin/llama-server, the source beside build/.
  const source = dirname(dirname(dirname(llamaServer)));
  const commit = source.split("/").at(-1)!;
  const llamaBench = join(benchCacheDir(), "llama-bench", commit, "llama-bench");
  const includes = ["include", "common", "ggml/include", "vendor", "tools/llama-bench"];
  const compile = (out: string, flags: string[], libs: string[]) => {
    mkdirSync(dirname(out), { recursive: true });
    const temp = `${out}.${process.pid}.tmp`;
    execFileSync(
      "c++",
      [
        ...["-O3", "-DNDEBUG", "-std=gnu++17", ...flags, ...includes.map((d) => `-I${join(source, d)}`)],
        join(source, "tools", "llama-bench", "main.cpp"),
        join(source, "tools", "llama-bench", "llama-bench.cpp"),
        ...["-o", temp, `-L${join(source, "build", "common")}`, ...libs],
      ],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    renameSync(temp, out);
  };
  if (!existsSync(llamaBench)) {
    log(
      `compiling llama-bench against the llama.cpp ${commit.slice(0, 12)} libraries (once; about a minute)`,
    );
    const libs = join(source, "build", "bin");
    compile(
      llamaBench,
      ["-march=native", "-fopenmp"],
      [
        `-L${libs}`,
        "-lllama-common",
        "-lllama-common-base",
        "-lllama",
        "-lggml",
        "-lggml-base",
        `-Wl,-rpath,${libs}`,
      ],
    );
  }
  const target = `${platform()}-${arch()}`;
  const libraries = fileURLToPath(
    new URL(`../node_modules/@node-llama-cpp/${target}/bins/${target}`, import.meta.url),
  );
  if (!existsSync(join(libraries, "libllama-common.so"))) return { llamaServer, llamaBench, commit };
  const prebuilt = join(dirname(llamaBench), "llama-bench-node-llama-cpp");
  if (!existsSync(prebuilt)) {
    log("compiling llama-bench against node-llama-cpp's prebuilt libraries (once; about a minute)");
    const lib = (name: string) =>
      `-l:${readdirSync(libraries).find((f) => new RegExp(`^lib${name}(\\.v[0-9.]+)?\\.so$`).test(f))}`;
    compile(
      prebuilt,
      [],
      [
        `-L${libraries}`,
        "-lllama-common",
        "-lllama-common-base",
        lib("llama"),
        lib("ggml"),
        "-lggml-base",
        `-Wl,-rpath,${libraries}`,
      ],
    );
  }
  return { llamaServer, llamaBench, commit, prebuilt: { llamaBench: prebuilt, libraries } };
}
