import { open, stat } from "node:fs/promises";
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";

/** What the catalog records about a GGUF file, read from its header (no weights are loaded). */
export interface GgufFacts {
  name: string | null;
  architecture: string;
  parameterCount: number;
  quantization: string | null;
  contextLength: number | null;
  licenseId: string | null;
  /** Whether this build of llama.cpp knows the architecture. */
  supported: boolean;
  bytes: number;
}

const GGUF_MAGIC = "GGUF";

/**
 * Reads a GGUF file's metadata and tensor table. Throws NotFoundError when the
 * file is missing, and AlambiqueError `invalid_model_file` when it is not a
 * GGUF file or is truncated — each with what to do.
 */
export async function readGgufFacts(path: string): Promise<GgufFacts> {
  const bytes = await assertGgufFile(path);
  const { readGgufFileInfo, GgufInsights, GgufFileType } = await import("node-llama-cpp");
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(path, { sourceType: "filesystem", logWarnings: false });
  } catch (cause) {
    throw invalidFile(path, `its header could not be read (${(cause as Error).message})`, cause);
  }
  const dataStart = info.infoEndOffset ?? 0;
  const dataBytes = (info.fullTensorInfo ?? []).reduce((end, t) => Math.max(end, Number(t.offset)), 0);
  if (dataStart + dataBytes > bytes) {
    throw invalidFile(
      path,
      `it is truncated: ${bytes} bytes, but its tensors need more than ${dataStart + dataBytes}`,
    );
  }
  const insights = await GgufInsights.from(info);
  const general = info.metadata.general;
  const fileType = general.file_type;
  return {
    name: typeof general.name === "string" ? general.name : null,
    architecture: String(general.architecture),
    parameterCount: insights.totalParameters,
    quantization:
      fileType === undefined ? null : (GgufFileType[fileType]?.replace(/^(MOSTLY|ALL)_/, "") ?? null),
    contextLength: insights.trainContextSize ?? null,
    licenseId: typeof general.license === "string" ? general.license : null,
    supported: insights.isSupportedByLlamaCpp,
    bytes,
  };
}

/**
 * Checks a path is a readable GGUF file by its magic bytes, before any native
 * code sees it (llama.cpp's own errors for a wrong file are cryptic).
 * Returns the file size in bytes.
 */
export async function assertGgufFile(path: string): Promise<number> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw invalidFile(path, "it is a folder, not a file");
    size = info.size;
  } catch (cause) {
    if (AlambiqueError.isInstance(cause)) throw cause;
    throw new NotFoundError("model file", path, "check the path; `alambique models list` shows the catalog");
  }
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    if (bytesRead < 8 || head.toString("latin1", 0, 4) !== GGUF_MAGIC) {
      throw invalidFile(path, "it is not a GGUF file (it does not start with the GGUF magic bytes)");
    }
  } finally {
    await handle.close();
  }
  return size;
}

function invalidFile(path: string, why: string, cause?: unknown): AlambiqueError {
  return new AlambiqueError(`cannot use ${path}: ${why}`, {
    code: "invalid_model_file",
    status: 400,
    retryable: false,
    hint: "give a complete .gguf file (re-download it if it was cut short); other formats can be converted with llama.cpp's convert_hf_to_gguf.py",
    cause,
  });
}
