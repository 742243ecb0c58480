import { describe, expect, it } from "vitest";
import type { ModelRecord } from "../../spec/store.js";
import { type DownloadRun, ModelDownloads } from "./model-downloads.js";

/** A download that reports half its bytes, then waits until it is stopped, and then resolves as node-llama-cpp's does. */
const stalls: DownloadRun = (signal, onProgress) =>
  new Promise((resolve) => {
    onProgress({ downloadedBytes: 50, totalBytes: 100, speed: 1 });
    signal.addEventListener("abort", () => resolve({ name: "late" } as ModelRecord));
  });

describe("ModelDownloads", () => {
  it("reports progress, and a download stopped half-way ends cancelled even if its run then resolves", async () => {
    const downloads = new ModelDownloads();
    const started = downloads.start("m", "hf:o/r/f.gguf", stalls);
    expect(downloads.get(started.id)).toMatchObject({
      status: "running",
      downloadedBytes: 50,
      totalBytes: 100,
    });
    expect(downloads.runningFor("m")?.id).toBe(started.id);
    expect(downloads.cancel(started.id)).toMatchObject({ status: "cancelled", model: null });
    await new Promise((done) => setTimeout(done, 10));
    expect(downloads.get(started.id)).toMatchObject({ status: "cancelled", model: null });
    expect(downloads.runningFor("m")).toBeUndefined();
  });

  it("stops every running download when the server closes, and keeps a failure's code and hint", async () => {
    const downloads = new ModelDownloads();
    const a = downloads.start("a", "hf:o/r/a.gguf", stalls);
    const failing = downloads.start("b", "hf:o/r/b.gguf", async () => {
      const { AlambiqueError } = await import("../../spec/errors.js");
      throw new AlambiqueError("no hub", { code: "download_failed", hint: "go online" });
    });
    await new Promise((done) => setTimeout(done, 50));
    downloads.close();
    expect(downloads.get(a.id)?.status).toBe("cancelled");
    expect(downloads.get(failing.id)).toMatchObject({
      status: "failed",
      error: { code: "download_failed", message: "no hub", hint: "go online" },
    });
  });

  it("forgets the oldest finished downloads past 50, never a running one", async () => {
    const downloads = new ModelDownloads();
    const running = downloads.start("still", "hf:o/r/s.gguf", stalls);
    for (let i = 0; i < 60; i++)
      downloads.start(`m${i}`, "hf:o/r/f.gguf", async () => ({ name: `m${i}` }) as ModelRecord);
    await new Promise((done) => setTimeout(done, 10));
    const list = downloads.list();
    expect(list).toHaveLength(51);
    expect(list[0]!.name).toBe("m59");
    expect(downloads.get(running.id)?.status).toBe("running");
    downloads.close();
  });
});
