import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { FastifyRequest } from "fastify";
import { AlambiqueError } from "../../spec/errors.js";
import { RequestError } from "../request-error.js";

export interface UploadLimits {
  /** Largest file, in bytes: a larger one fails the whole upload with 413 `file_too_large`. */
  maxFileBytes: number;
  /** Most files: more fail the upload with 413 `too_many_files`. */
  maxFiles: number;
}

/**
 * Streams the files of a `multipart/form-data` request into `dir` (which
 * must exist and be empty), each under its own base name, never holding a
 * whole file in memory. Returns those names in the order received; fields
 * that are not files are ignored. The caller removes `dir` afterwards,
 * whatever happened.
 *
 * Throws 415 when the request is not multipart, 413 when a file or the
 * number of files is over its limit (`param`: the file), 400 for a file
 * without a usable name or a name sent twice.
 */
export async function receiveUploads(
  request: FastifyRequest,
  dir: string,
  limits: UploadLimits,
): Promise<string[]> {
  if (!request.isMultipart()) {
    throw new RequestError("send the files as multipart/form-data", {
      code: "unsupported_media_type",
      status: 415,
    });
  }
  const names: string[] = [];
  /** The file being received, or the last one: a size limit may surface only when the next part is asked for. */
  let current: string | undefined;
  try {
    const parts = request.parts({
      limits: {
        fileSize: limits.maxFileBytes,
        files: limits.maxFiles,
        fields: 32,
        parts: limits.maxFiles + 32,
      },
    });
    for await (const part of parts) {
      if (part.type !== "file") continue;
      current = part.filename;
      const name = safeFileName(part.filename);
      if (names.includes(name)) {
        throw new RequestError(`two files are named ${JSON.stringify(name)}`, {
          code: "duplicate_file",
          param: name,
        });
      }
      names.push(name);
      // `wx`: a name is written once, and never through a link left in the folder.
      await pipeline(part.file, createWriteStream(join(dir, name), { flags: "wx" }));
      // The limit may surface as a truncated stream rather than an error, depending on timing.
      if (part.file.truncated) throw fileTooLarge(name, limits);
    }
  } catch (error) {
    throw mapUploadError(error, current, limits) ?? error;
  }
  return names;
}

/**
 * The last path segment of a client's file name (browsers send only that;
 * other clients may send `../../x`), without control characters. Throws 400
 * when nothing usable is left.
 */
export function safeFileName(filename: string): string {
  const base = (filename.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  if (base === "" || base === "." || base === ".." || base.length > 200) {
    throw new RequestError(`not a usable file name: ${JSON.stringify(filename)}`, {
      code: "invalid_file_name",
      param: "file",
      hint: "give each file a name of 1-200 characters",
    });
  }
  return base;
}

/**
 * The client's part of what went wrong while receiving: limits (413) and a
 * malformed or cut-off multipart body (400). Undefined for our own failures
 * (a full disk) and for errors that already say what they are.
 */
function mapUploadError(
  error: unknown,
  file: string | undefined,
  limits: UploadLimits,
): RequestError | undefined {
  if (AlambiqueError.isInstance(error)) return undefined;
  const { code, syscall, statusCode, message } = (error ?? {}) as {
    code?: unknown;
    syscall?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  if (code === "FST_REQ_FILE_TOO_LARGE") {
    return new RequestError(
      `${file ? JSON.stringify(file) : "a file"} is over the ${formatBytes(limits.maxFileBytes)} limit for one file`,
      {
        code: "file_too_large",
        status: 413,
        param: file ?? "file",
        hint: "split it into smaller files",
        cause: error,
      },
    );
  }
  if (code === "FST_FILES_LIMIT" || code === "FST_PARTS_LIMIT") {
    return new RequestError(`at most ${limits.maxFiles} files in one upload`, {
      code: "too_many_files",
      status: 413,
      param: "file",
      cause: error,
    });
  }
  if (code === "FST_FIELDS_LIMIT") {
    return new RequestError("too many form fields", { code: "too_many_fields", status: 413, cause: error });
  }
  if (typeof syscall === "string" || typeof statusCode === "number") return undefined;
  return new RequestError(
    `the multipart body is malformed: ${typeof message === "string" ? message : "cannot parse it"}`,
    {
      code: "invalid_multipart",
      cause: error,
    },
  );
}

function fileTooLarge(file: string | undefined, limits: UploadLimits, cause?: unknown): RequestError {
  return new RequestError(
    `${file ? JSON.stringify(file) : "a file"} is over the ${formatBytes(limits.maxFileBytes)} limit for one file`,
    {
      code: "file_too_large",
      status: 413,
      param: file ?? "file",
      hint: "split it into smaller files",
      cause,
    },
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20) return `${+(bytes / 2 ** 20).toFixed(1)} MiB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}
