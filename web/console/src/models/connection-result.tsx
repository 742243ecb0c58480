import type { Words } from "../i18n/words.js";
import type { ConnectionTest } from "./model-types.js";

/** What "test connection" found: the models the engine lists and its one-token reply, or why it failed. */
export function ConnectionResult({ result, words }: { result: ConnectionTest; words: Words }) {
  const w = words.addModel;
  if (!result.ok) {
    return (
      <div className="connection error" role="status">
        <p>
          <strong>{w.connectionFailed}</strong> (<code>{result.error?.code}</code>): {result.error?.message}
        </p>
        {result.error?.hint && <p className="help">{result.error.hint}</p>}
      </div>
    );
  }
  return (
    <div className="connection ok" role="status">
      <p>{w.connectionOk(result.models.length, result.latencyMs)}</p>
      <p className="muted">
        {w.served}:{" "}
        {result.models.map((id, i) => (
          <span key={id}>
            {i > 0 && ", "}
            <code>{id}</code>
          </span>
        ))}
      </p>
      {result.model === null && result.models.length > 1 && <p className="help">{w.pickModel}</p>}
    </div>
  );
}
