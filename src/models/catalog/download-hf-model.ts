import { mkdir } from "node:fs/promises";
import { AlambiqueError } from "../../spec/errors.js";
import type { ModelSource } from "./model-source.js";

export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number;
  /** Bytes per second, averaged. */
  speed: number;
}

/**
 * Downloads `hf:OWNER/REPO/FILE.gguf` into `dir` with node-llama-cpp's
 * downloader (resumes partial files, skips a complete one, reads `HF_TOKEN`
 * for gated repositories). Returns the local path.
 *
 * Throws AlambiqueError `download_failed` (retryable) when the hub cannot be
 * reached — with the way out for an offline machine: download elsewhere,
 * then `--gguf PATH`.
 */
export async function downloadHfModel(
  source: Extract<ModelSource, { kind: "hf" }>,
  dir: string,
  options: { onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const env = options.env ?? process.env;
  const token = env.HF_TOKEN || undefined;
  const uri = `hf:${source.owner}/${source.repo}/${source.file}`;
  const endpoint = hubEndpoint(env);
  await preflightHfDownload(source, env);
  const { createModelDownloader } = await import("node-llama-cpp");
  await mkdir(dir, { recursive: true });
  try {
    const downloader = await createModelDownloader({
      modelUri: uri,
      endpoints: { huggingFace: `${endpoint}/` },
      dirPath: dir,
      skipExisting: true,
      deleteTempFileOnCancel: false,
      showCliProgress: false,
      onProgress: ({ downloadedSize, totalSize, averageSpeed }) =>
        options.onProgress?.({ downloadedBytes: downloadedSize, totalBytes: totalSize, speed: averageSpeed }),
      ...(token ? { tokens: { huggingFace: token } } : {}),
    });
    return await downloader.download({ signal: options.signal });
  } catch (cause) {
    const reason = (cause as Error).message ?? String(cause);
    throw new AlambiqueError(`could not download ${uri}: ${reason.split("\n")[0]}`, {
      code: "download_failed",
      status: 502,
      retryable: true,
      hint: "check the internet connection (and HTTPS_PROXY, or HF_TOKEN for gated models); on a machine without internet, download the .gguf elsewhere and add it with --gguf PATH",
      cause,
    });
  }
}

function hubEndpoint(env: NodeJS.ProcessEnv): string {
  return (env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");
}

/**
 * One HEAD request before the real download: node-llama-cpp's downloader
 * retries a failed connection for minutes, so an offline machine would wait
 * in silence. This answers at once, with the reason: throws what
 * `downloadHfModel` throws before it starts (`download_failed`,
 * `download_unauthorized`, `download_not_found`). Exported for callers that
 * must answer before the download itself runs in the background (`/api`).
 */
export async function preflightHfDownload(
  source: Extract<ModelSource, { kind: "hf" }>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const uri = `hf:${source.owner}/${source.repo}/${source.file}`;
  const url = `${hubEndpoint(env)}/${source.owner}/${source.repo}/resolve/main/${source.file}`;
  const token = env.HF_TOKEN || undefined;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "HEAD",
      redirect: "follow",
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(15_000),
    });
  } catch (cause) {
    const code = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).name;
    throw new AlambiqueError(`could not reach ${new URL(url).host} to download ${uri} (${code})`, {
      code: "download_failed",
      status: 502,
      retryable: true,
      hint: "this machine seems offline: check the connection (and HTTPS_PROXY, or HF_ENDPOINT for a mirror), or download the .gguf elsewhere and add it with --gguf PATH",
      cause,
    });
  }
  if (response.status === 401 || response.status === 403) {
    throw new AlambiqueError(`${uri} is gated or private (HTTP ${response.status})`, {
      code: "download_unauthorized",
      status: 403,
      retryable: false,
      hint: "accept the model's licence on its Hugging Face page, then set HF_TOKEN to an access token",
    });
  }
  if (response.status === 404) {
    throw new AlambiqueError(`${uri} does not exist on Hugging Face (HTTP 404)`, {
      code: "download_not_found",
      status: 404,
      retryable: false,
      hint: "check OWNER/REPO and the exact file name (case matters) on the repository's Files page",
    });
  }
}
