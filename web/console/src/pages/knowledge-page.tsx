import { type DragEvent, useState } from "react";
import type { IngestProgress, IngestReport, KnowledgeSource } from "../api/api-types.js";
import type { Words } from "../i18n/words.js";
import { KnowledgeSearch } from "../knowledge/knowledge-search.js";
import { SourceRow } from "../knowledge/source-row.js";
import { uploadWithProgress } from "../knowledge/upload-with-progress.js";
import { useConsole } from "../session/console-context.js";
import { AgentPicker } from "../ui/agent-picker.js";
import { useLoad } from "../ui/use-load.js";

interface FileResult {
  name: string;
  state: "uploading" | "added" | "updated" | "unchanged" | "skipped" | "duplicate" | "failed";
  detail?: string;
  /** While it is read and stored: how far (pages or files), for a progress bar. */
  progress?: { done: number; total: number; text: string };
}

/**
 * `#/knowledge/NAME`: an agent's documents. Files are sent one request each,
 * so that one that fails (too big, unreadable, the connection lost) is that
 * file's result alone and the others are kept; each shows the server's
 * progress while it is read. Below: the documents (chunk preview, re-ingest,
 * remove) and a search box that asks the agent's own retrieval.
 */
export default function KnowledgePage({ route }: { route: string[] }) {
  const { api, words } = useConsole();
  const name = route[0];
  const base = name ? `/api/agents/${encodeURIComponent(name)}/knowledge` : "";
  const sources = useLoad(
    () => (name ? api.get<{ data: KnowledgeSource[] }>(base) : Promise.resolve({ data: [] })),
    [api, name],
  );
  const [results, setResults] = useState<FileResult[]>([]);
  const [dragging, setDragging] = useState(false);

  /** `uris[i]`: the name to store `files[i]` under (a document's own, to re-ingest it). */
  const upload = async (files: File[], uris = files.map((f) => f.name)) => {
    setResults(files.map((_, i) => ({ name: uris[i] ?? "", state: "uploading" })));
    const set = (index: number, result: FileResult) =>
      setResults((all) => all.map((r, i) => (i === index ? result : r)));
    for (const [index, file] of files.entries()) {
      const uri = uris[index] ?? file.name;
      try {
        const report = await uploadWithProgress(api, base, file, uri, (progress) =>
          set(index, { name: uri, state: "uploading", progress: describeProgress(progress, words) }),
        );
        set(index, describe(uri, report, words.chunks));
      } catch (error) {
        set(index, { name: uri, state: "failed", detail: (error as Error).message });
      }
    }
    sources.reload();
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void upload([...event.dataTransfer.files]);
  };
  const remove = async (source: KnowledgeSource) => {
    if (!window.confirm(`${source.uri}: ${words.removeConfirm}`)) return;
    await api.delete(`${base}/${encodeURIComponent(source.id)}`);
    sources.reload();
  };
  const label: Record<FileResult["state"], string> = {
    uploading: words.uploading,
    added: words.fileAdded,
    updated: words.fileUpdated,
    unchanged: words.fileUnchanged,
    skipped: words.fileSkipped,
    duplicate: words.fileDuplicate,
    failed: words.fileFailed,
  };

  return (
    <section aria-labelledby="knowledge-title">
      <div className="page-head">
        <h1 id="knowledge-title">{words.knowledgeTitle}</h1>
        <AgentPicker page="knowledge" current={name} />
      </div>
      {name && (
        <>
          {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the file input inside is the keyboard's way */}
          <div
            className={dragging ? "dropzone over" : "dropzone"}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={drop}
          >
            <label htmlFor="upload">{words.uploadFiles}</label>
            <input
              id="upload"
              type="file"
              multiple
              accept=".md,.markdown,.txt,.html,.htm,.pdf,.csv,.json"
              onChange={(e) => void upload([...(e.target.files ?? [])])}
            />
            <p className="help">{words.uploadHelp}</p>
          </div>
          {results.length > 0 && (
            <ul className="results" aria-live="polite">
              {results.map((r) => (
                <li key={r.name} className={`result ${r.state}`}>
                  <strong>{r.name}</strong>: {label[r.state]} {r.detail}
                  {r.progress && (
                    <>
                      {" "}
                      <progress max={r.progress.total} value={r.progress.done} aria-label={r.name} />{" "}
                      <span className="muted">{r.progress.text}</span>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          <h2>{words.documents}</h2>
          {sources.data?.data.length === 0 && <p className="muted">{words.noDocuments}</p>}
          <table className="table">
            <tbody>
              {sources.data?.data.map((source) => (
                <SourceRow
                  key={source.id}
                  source={source}
                  base={base}
                  onReingest={(file, uri) => void upload([file], [uri])}
                  onRemove={(s) => void remove(s)}
                />
              ))}
            </tbody>
          </table>
          <KnowledgeSearch base={base} />
        </>
      )}
    </section>
  );
}

function describe(name: string, report: IngestReport, chunks: string): FileResult {
  const skipped = report.skipped[0];
  if (skipped) return { name, state: "skipped", detail: `(${skipped.reason})` };
  const duplicate = report.duplicates[0];
  if (duplicate) return { name, state: "duplicate", detail: duplicate.duplicateOf };
  const detail = `(${report.chunks} ${chunks})`;
  if (report.added.length) return { name, state: "added", detail };
  if (report.updated.length) return { name, state: "updated", detail };
  return { name, state: "unchanged" };
}

/** The server's progress in words: pages of a PDF, chunks cut, files stored, chunks embedded. */
function describeProgress(p: IngestProgress, words: Words): FileResult["progress"] {
  const w = words.ingestProgress;
  if (p.stage === "read")
    return p.pagesTotal > 0
      ? { done: p.pages, total: p.pagesTotal, text: w.pages(p.pages, p.pagesTotal, p.chunks) }
      : { done: 0, total: 1, text: w.chunks(p.chunks) };
  if (p.stage === "files") return { done: p.bytesDone, total: Math.max(1, p.bytesTotal), text: w.storing };
  return { done: 1, total: 1, text: w.embedding(p.done) };
}
