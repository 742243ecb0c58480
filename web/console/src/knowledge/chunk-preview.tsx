import type { ChunkPreview as Chunk } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { useLoad } from "../ui/use-load.js";

/** The first chunks a document was cut into: what the agent can find of it. */
export function ChunkPreview({ base, sourceId }: { base: string; sourceId: string }) {
  const { api, words } = useConsole();
  const chunks = useLoad(
    () => api.get<{ data: Chunk[] }>(`${base}/${encodeURIComponent(sourceId)}/chunks?limit=20`),
    [api, base, sourceId],
  );
  if (chunks.error) return <p className="error">{chunks.error.message}</p>;
  if (!chunks.data) return <p className="muted">{words.loading}</p>;
  return (
    <ol className="chunks">
      {chunks.data.data.map((chunk) => (
        <li key={chunk.id}>
          <p className="chunk-where">
            {chunk.title && <strong>{chunk.title}</strong>} <span className="muted">{chunk.location}</span>
          </p>
          <p className="chunk-text">{chunk.text}</p>
        </li>
      ))}
    </ol>
  );
}
