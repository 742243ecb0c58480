import { randomUUID } from "node:crypto";
import type { DownloadProgress } from "../../models/catalog/download-hf-model.js";
import { AlambiqueError } from "../../spec/errors.js";
import type { ModelRecord } from "../../spec/store.js";

export type ModelDownloadStatus = "running" | "done" | "failed" | "cancelled";

/** One Hugging Face download into the catalog, as `GET /api/model-downloads/:id` shows it. */
export interface ModelDownload {
  id: string;
  /** The catalog name it is added under once complete. */
  name: string;
  /** `hf:OWNER/REPO/FILE.gguf`. */
  hf: string;
  status: ModelDownloadStatus;
  downloadedBytes: number;
  /** 0 until the hub has said. */
  totalBytes: number;
  startedAt: string;
  finishedAt: string | null;
  error: { code: string; message: string; hint: string | null } | null;
  /** The catalog record, once `done`. */
  model: ModelRecord | null;
}

/** Does the download and adds the record; stops (and adds nothing) once `signal` aborts. */
export type DownloadRun = (
  signal: AbortSignal,
  onProgress: (progress: DownloadProgress) => void,
) => Promise<ModelRecord>;

/** Finished downloads kept for `GET`, newest first; older ones are forgotten. */
const KEPT_FINISHED = 50;

/**
 * The server's Hugging Face downloads, in this process's memory: a download
 * is long (minutes to hours) and the request that starts it answers at once;
 * the console follows it with `GET`. A cancelled, failed or interrupted
 * download (the server closing aborts every running one) adds nothing to the
 * catalog: the record is written only after the whole file is there and reads
 * as a GGUF. A restarted server forgets its downloads; start one again and
 * node-llama-cpp skips a file that is already complete.
 */
export class ModelDownloads {
  private readonly downloads = new Map<string, { state: ModelDownload; controller: AbortController }>();

  /** The running download for `name`, if one is. */
  runningFor(name: string): ModelDownload | undefined {
    return [...this.downloads.values()].find((d) => d.state.name === name && d.state.status === "running")
      ?.state;
  }

  start(name: string, hf: string, run: DownloadRun): ModelDownload {
    const controller = new AbortController();
    const state: ModelDownload = {
      id: randomUUID(),
      name,
      hf,
      status: "running",
      downloadedBytes: 0,
      totalBytes: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      model: null,
    };
    this.downloads.set(state.id, { state, controller });
    const finish = (status: ModelDownloadStatus, patch: Partial<ModelDownload> = {}) => {
      if (state.status !== "running") return;
      Object.assign(state, patch, { status, finishedAt: new Date().toISOString() });
      this.forgetOld();
    };
    run(controller.signal, (p) => {
      state.downloadedBytes = p.downloadedBytes;
      state.totalBytes = p.totalBytes;
    }).then(
      (model) =>
        controller.signal.aborted
          ? finish("cancelled")
          : finish("done", { model, downloadedBytes: state.totalBytes }),
      (error: unknown) =>
        controller.signal.aborted ? finish("cancelled") : finish("failed", { error: describe(error) }),
    );
    return state;
  }

  get(id: string): ModelDownload | undefined {
    return this.downloads.get(id)?.state;
  }

  /** Newest first. */
  list(): ModelDownload[] {
    return [...this.downloads.values()].map((d) => d.state).reverse();
  }

  /** Stops a running download (nothing is added); a finished one is returned as it is. */
  cancel(id: string): ModelDownload | undefined {
    const download = this.downloads.get(id);
    if (!download) return undefined;
    if (download.state.status === "running") {
      download.controller.abort();
      Object.assign(download.state, { status: "cancelled", finishedAt: new Date().toISOString() });
    }
    return download.state;
  }

  /** Aborts every running download (the server is closing). */
  close(): void {
    for (const { state } of this.downloads.values()) if (state.status === "running") this.cancel(state.id);
  }

  private forgetOld(): void {
    const finished = [...this.downloads.values()].filter((d) => d.state.status !== "running");
    for (const old of finished.slice(0, Math.max(0, finished.length - KEPT_FINISHED)))
      this.downloads.delete(old.state.id);
  }
}

function describe(error: unknown): NonNullable<ModelDownload["error"]> {
  if (AlambiqueError.isInstance(error))
    return { code: error.code, message: error.message, hint: error.hint ?? null };
  return {
    code: "internal_error",
    message: error instanceof Error ? error.message : String(error),
    hint: null,
  };
}
