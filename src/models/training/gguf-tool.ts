/**
 * Model-file operations run by llama.cpp in a child process
 * (`gguf-tool-worker`): inspect a GGUF (it loads; its parameters and chat
 * template) and quantize one. A child, because a native assert on a bad file
 * aborts its process, and a big model's load is memory the parent gives back
 * when the child exits.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { TrainingError, type TrainingErrorReason } from "../../spec/students.js";
import { parseJsonAs } from "./parse-json-as.js";

export const ggufToolRequestSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("inspect"), path: z.string().min(1) }).strict(),
  z
    .object({
      op: z.literal("quantize"),
      from: z.string().min(1),
      to: z.string().min(1),
      type: z.enum(["q8_0", "q4_k_m"]),
      threads: z.int().min(1),
    })
    .strict(),
]);
export type GgufToolRequest = z.infer<typeof ggufToolRequestSchema>;

const inspectedSchema = z.object({
  ok: z.literal(true),
  parameters: z.number(),
  chatTemplate: z.string().nullable(),
});
export type GgufInspection = Omit<z.infer<typeof inspectedSchema>, "ok">;
const resultSchema = z.union([
  inspectedSchema,
  z.object({ ok: z.literal(false), code: z.string(), message: z.string(), hint: z.string().nullable() }),
]);
export type GgufToolResult = z.infer<typeof resultSchema>;

/**
 * Runs `request` in a child process; resolves with what llama.cpp read of
 * the file (for `quantize`, of the quantized one). Rejects with the child's
 * TrainingError (its reason kept: `command_no_output` when a file does not
 * load, `quantize_failed`, `engine_mismatch`), or `failWith` when the child
 * dies or answers nothing.
 */
export function runGgufTool(
  request: GgufToolRequest,
  failWith: TrainingErrorReason,
): Promise<GgufInspection> {
  const ts = import.meta.url.endsWith(".ts");
  const entry = fileURLToPath(new URL(`./gguf-tool-worker.${ts ? "ts" : "js"}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(ts ? ["--import", import.meta.resolve("tsx")] : []), entry, JSON.stringify(request)],
      {
        stdio: ["ignore", "ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    let out = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-2000);
    });
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.on("error", (error) => reject(new TrainingError(failWith, error.message, { cause: error })));
    child.on("close", (code, signal) => {
      const parsed = parseJsonAs(resultSchema, out.trim());
      if (parsed.success && parsed.data.ok) return resolve(parsed.data);
      if (parsed.success && !parsed.data.ok) {
        const reason = parsed.data.code.replace(/^training_/, "") as TrainingErrorReason;
        return reject(
          new TrainingError(reason, `${parsed.data.message}${quote(stderr)}`, {
            ...(parsed.data.hint ? { hint: parsed.data.hint } : {}),
          }),
        );
      }
      reject(
        new TrainingError(
          failWith,
          `llama.cpp's ${request.op} ended (${signal ?? `exit code ${code}`}) without an answer${quote(stderr)}`,
        ),
      );
    });
  });
}

function quote(stderr: string): string {
  const text = stderr.trim();
  return text === "" ? "" : `\n${text.split("\n").slice(-10).join("\n")}`;
}
