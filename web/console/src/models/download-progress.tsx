import { useEffect, useState } from "react";
import type { ApiClient } from "../api/api-client.js";
import type { Words } from "../i18n/words.js";
import { formatBytes } from "./format-bytes.js";
import type { ModelDownload } from "./model-types.js";

/**
 * One Hugging Face download as the server runs it: follows
 * `GET /api/model-downloads/:id` twice a second until it ends (a server that
 * restarts meanwhile answers 404: the download is gone and said so), with a
 * progress bar, a cancel button, and the result. `onDone` once it is in the catalog.
 */
export function DownloadProgress(props: {
  api: ApiClient;
  words: Words;
  download: ModelDownload;
  onDone(): void;
}) {
  const { api, words, onDone } = props;
  const w = words.addModel;
  const [download, setDownload] = useState(props.download);
  const [lost, setLost] = useState<string>();
  const running = download.status === "running";
  // biome-ignore lint/correctness/useExhaustiveDependencies: followed once per download id
  useEffect(() => {
    if (!running) return;
    let current = true;
    const timer = setInterval(async () => {
      try {
        const next = await api.get<ModelDownload>(`/api/model-downloads/${encodeURIComponent(download.id)}`);
        if (!current) return;
        setDownload(next);
        if (next.status !== "running") {
          clearInterval(timer);
          if (next.status === "done") onDone();
        }
      } catch (error) {
        if (current) setLost((error as Error).message);
      }
    }, 500);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [download.id, running]);

  const cancel = async () => {
    setDownload(await api.delete<ModelDownload>(`/api/model-downloads/${encodeURIComponent(download.id)}`));
  };
  const label = w.downloading(download.name);
  return (
    <div className="download" aria-live="polite">
      {running && (
        <>
          <p>
            <progress
              max={download.totalBytes || 1}
              value={download.totalBytes ? download.downloadedBytes : undefined}
              aria-label={label}
            />{" "}
            <span className="muted">
              {label}:{" "}
              {download.totalBytes
                ? w.progress(formatBytes(download.downloadedBytes), formatBytes(download.totalBytes))
                : formatBytes(download.downloadedBytes)}
            </span>
          </p>
          <button type="button" onClick={() => void cancel()}>
            {w.cancelDownload}
          </button>
        </>
      )}
      {download.status === "done" && <p className="ok">{w.downloaded(download.name)}</p>}
      {download.status === "cancelled" && <p className="muted">{w.downloadCancelled}</p>}
      {download.status === "failed" && download.error && (
        <p className="error" role="alert">
          {w.downloadFailed}: {download.error.message}
          {download.error.hint ? ` (${download.error.hint})` : ""}
        </p>
      )}
      {lost && running && <p className="error">{lost}</p>}
    </div>
  );
}
