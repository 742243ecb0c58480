import { useState } from "react";
import type { KnowledgeSource } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { ChunkPreview } from "./chunk-preview.js";

/**
 * One document of the agent: its kind, chunks and when it was last read;
 * its chunk preview (toggled); re-ingest (a new version of the file, stored
 * under this document's name, replacing it); remove.
 */
export function SourceRow(props: {
  source: KnowledgeSource;
  base: string;
  onReingest(file: File, uri: string): void;
  onRemove(source: KnowledgeSource): void;
}) {
  const { words, locale } = useConsole();
  const { source: s } = props;
  const [open, setOpen] = useState(false);
  const k = words.knowledgeRows;
  return (
    <>
      <tr>
        <td>{s.uri}</td>
        <td>{s.kind}</td>
        <td>
          {s.chunkCount} {words.chunks}
        </td>
        <td className="muted">{new Date(s.updatedAt).toLocaleString(locale)}</td>
        <td className="row-actions">
          <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
            {k.preview} <span className="sr-only">{s.uri}</span>
          </button>
          <label className="button secondary">
            {k.reingest} <span className="sr-only">{s.uri}</span>
            <input
              type="file"
              className="sr-only"
              aria-label={`${k.reingest} ${s.uri}`}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) props.onReingest(file, s.uri);
                e.target.value = "";
              }}
            />
          </label>
          <button type="button" className="secondary" onClick={() => props.onRemove(s)}>
            {words.remove} <span className="sr-only">{s.uri}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr className="preview-row">
          <td colSpan={5}>
            <ChunkPreview base={props.base} sourceId={s.id} />
          </td>
        </tr>
      )}
    </>
  );
}
