import { useState } from "react";
import type { KnowledgeSearch as Search } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";

/** "Search as the agent does": the passages a customer's question would bring to the agent, best first. */
export function KnowledgeSearch({ base }: { base: string }) {
  const { api, words } = useConsole();
  const [query, setQuery] = useState("");
  const [result, setResult] = useState<Search>();
  const [error, setError] = useState<string>();
  const search = async () => {
    setError(undefined);
    try {
      setResult(await api.get<Search>(`${base}/search?q=${encodeURIComponent(query)}`));
    } catch (e) {
      setResult(undefined);
      setError((e as Error).message);
    }
  };
  const percent = (n: number) => `${Math.round(n * 100)} %`;
  return (
    <section aria-labelledby="search-title" className="knowledge-search">
      <h2 id="search-title">{words.knowledgeSearch.title}</h2>
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          if (query.trim() !== "") void search();
        }}
      >
        <label htmlFor="knowledge-query" className="sr-only">
          {words.knowledgeSearch.question}
        </label>
        <input
          id="knowledge-query"
          placeholder={words.knowledgeSearch.question}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit">{words.knowledgeSearch.search}</button>
      </form>
      {error && <p className="error">{error}</p>}
      {result && (
        <div aria-live="polite">
          <p className="muted">
            {words.knowledgeSearch.confidence(percent(result.confidence), result.data.length)}
          </p>
          <ol className="hits">
            {result.data.map((hit) => (
              <li key={hit.chunk.id}>
                <p className="chunk-where">
                  <strong>{hit.source.uri}</strong> <span className="muted">{hit.chunk.location}</span>{" "}
                  <span className="badge-soft">{percent(hit.confidence)}</span>
                </p>
                <p className="chunk-text">{hit.excerpt ?? hit.chunk.text}</p>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
