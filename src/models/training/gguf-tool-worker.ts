/**
 * The model-file child process: `node gguf-tool-worker.js REQUEST-JSON`, one
 * `GgufToolRequest`, answered with one `GgufToolResult` JSON line on file
 * descriptor 3 (stdout when that is not open). Exits 0 when it answered `ok`,
 * 1 otherwise; a native assert kills it with SIGABRT, which the parent
 * reports. Dies with its parent on Linux (PR_SET_PDEATHSIG).
 */
import { fstatSync, writeSync } from "node:fs";
import koffi from "koffi";
import { AlambiqueError } from "../../spec/errors.js";
import { type GgufToolResult, ggufToolRequestSchema } from "./gguf-tool.js";
import { openLlamaModelTools } from "./llama-model-tools.js";

const resultFd = (() => {
  try {
    fstatSync(3);
    return 3;
  } catch {
    return 1;
  }
})();

function answer(result: GgufToolResult): void {
  writeSync(resultFd, `${JSON.stringify(result)}\n`);
}

process.on("SIGINT", () => undefined);
try {
  if (process.platform === "linux") {
    koffi
      .load("libc.so.6")
      .func("int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)")(1, 9, 0, 0, 0);
  }
  const request = ggufToolRequestSchema.parse(JSON.parse(process.argv[2] ?? ""));
  const tools = openLlamaModelTools();
  if (request.op === "inspect") {
    answer({ ok: true, ...tools.inspect(request.path) });
  } else {
    tools.quantize(request.from, request.to, request.type, request.threads);
    answer({ ok: true, ...tools.inspect(request.to) });
  }
} catch (error) {
  const known = AlambiqueError.isInstance(error);
  answer({
    ok: false,
    code: known ? error.code : "training_engine_failed",
    message: (error as Error).message,
    hint: known ? (error.hint ?? null) : null,
  });
  process.exitCode = 1;
}
