import { open, realpath, stat } from "node:fs/promises";
import { GgufFileType, GgufInsights, type Llama, readGgufFileInfo } from "node-llama-cpp";
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";

/**
 * Checks a model file before llama.cpp sees it. llama.cpp reports every
 * failure as "Failed to load model" (the reason only goes to its log), so the
 * common mistakes are caught here first with a message that says what is
 * wrong and how to fix it: a wrong path, a file that is not GGUF (an HTML
 * error page, a Git LFS pointer, a safetensors file), a truncated download,
 * an architecture this llama.cpp does not know.
 */

export interface GgufFileFacts {
  /** The resolved path (symlinks followed): the key the pool shares models by. */
  realPath: string;
  sizeBytes: number;
  architecture: string;
  /** What the catalog records, read from the header (no weights are loaded). */
  name: string | null;
  parameterCount: number;
  /** e.g. `Q4_K_M`, `F16`; null when the file does not say. */
  quantization: string | null;
  contextLength: number | null;
  licenseId: string | null;
}

const FIX_DOWNLOAD =
  "Download the file again (the copy is damaged or incomplete), or choose another GGUF file.";

/**
 * Throws `NotFoundError` or an `AlambiqueError` (`model_not_gguf`, `model_corrupt`, `model_unsupported`).
 * `llama` answers which architectures this llama.cpp build supports (without it, node-llama-cpp would start
 * a second native binding, ~1 s).
 */
export async function checkGgufFile(path: string, llama: Llama): Promise<GgufFileFacts> {
  let realPath: string;
  let size: number;
  try {
    realPath = await realpath(path);
    const info = await stat(realPath);
    if (!info.isFile()) throw notGguf(path, "it is a directory, not a file");
    size = info.size;
  } catch (error) {
    if (AlambiqueError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new NotFoundError(
        "model file",
        path,
        "Check the path. A GGUF model can be downloaded (e.g. from Hugging Face) or made for tests with " +
          "`alambique models forge --out FILE.gguf`.",
      );
    }
    throw new AlambiqueError(`cannot read model file ${path}: ${(error as Error).message}`, {
      code: "model_unreadable",
      status: 500,
      retryable: false,
      hint: "Check the file's permissions.",
      cause: error,
    });
  }

  const head = Buffer.alloc(64);
  const handle = await open(realPath, "r");
  let read: number;
  try {
    ({ bytesRead: read } = await handle.read(head, 0, head.length, 0));
  } finally {
    await handle.close();
  }
  if (read < 4 || head.toString("latin1", 0, 4) !== "GGUF")
    throw notGguf(path, describeHead(head.subarray(0, read)));

  let architecture: string;
  let facts: Omit<GgufFileFacts, "realPath" | "sizeBytes" | "architecture">;
  try {
    const info = await readGgufFileInfo(realPath, {
      readTensorInfo: true,
      logWarnings: false,
      spliceSplitFiles: false,
    });
    architecture = String(info.metadata.general?.architecture ?? "unknown");
    const insights = await GgufInsights.from(info, llama);
    // Tensor data follows the tensor table; padding only adds, so a file shorter than this is certainly cut off.
    const needed = (info.infoEndOffset ?? 0) + insights.modelSize;
    if ((info.infoEndOffset ?? 0) > size || needed > size) {
      throw corrupt(path, `the file is truncated: ${size} bytes, but its tensors need at least ${needed}`);
    }
    const general = info.metadata.general;
    const fileType = general?.file_type;
    facts = {
      name: typeof general?.name === "string" ? general.name : null,
      parameterCount: insights.totalParameters,
      quantization:
        fileType === undefined ? null : (GgufFileType[fileType]?.replace(/^(MOSTLY|ALL)_/, "") ?? null),
      contextLength: insights.trainContextSize ?? null,
      licenseId: typeof general?.license === "string" ? general.license : null,
    };
    if (!insights.isSupportedByLlamaCpp) {
      throw new AlambiqueError(
        `model file ${path} has the architecture "${architecture}", which this llama.cpp does not support`,
        {
          code: "model_unsupported",
          status: 400,
          retryable: false,
          hint: "Use a model with a supported architecture (Llama, Qwen, Mistral, Gemma, Phi, …), or update node-llama-cpp.",
        },
      );
    }
  } catch (error) {
    if (AlambiqueError.isInstance(error)) throw error;
    throw corrupt(path, `its GGUF header cannot be read (${(error as Error).message})`, error);
  }
  return { realPath, sizeBytes: size, architecture, ...facts };
}

function notGguf(path: string, why: string): AlambiqueError {
  return new AlambiqueError(`model file ${path} is not a GGUF file: ${why}`, {
    code: "model_not_gguf",
    status: 400,
    retryable: false,
    hint: "The embedded engine runs GGUF files only. Convert the model with llama.cpp's convert_hf_to_gguf.py, or download a GGUF build of it.",
  });
}

function corrupt(path: string, why: string, cause?: unknown): AlambiqueError {
  return new AlambiqueError(`model file ${path} is damaged: ${why}`, {
    code: "model_corrupt",
    status: 400,
    retryable: false,
    hint: FIX_DOWNLOAD,
    cause,
  });
}

/** A short, safe description of what the file starts with instead of the GGUF magic. */
function describeHead(head: Buffer): string {
  if (head.length === 0) return "it is empty";
  const text = head.toString("latin1");
  if (text.startsWith("version https://git-lfs")) return "it is a Git LFS pointer (run `git lfs pull`)";
  if (/^\s*</.test(text)) return "it starts like an HTML/XML page (a failed download?)";
  if (/^\s*[{[]/.test(text)) return "it starts like JSON";
  if (head.length >= 8 && head.readBigUInt64LE(0) < 100_000_000n && text.slice(8, 10) === '{"') {
    return "it looks like a safetensors file";
  }
  return `it starts with the bytes ${head.subarray(0, 4).toString("hex")} instead of "GGUF"`;
}
