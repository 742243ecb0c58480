import { useEffect, useState } from "react";
import { ApiError } from "../api/api-client.js";
import type { Agent, AgentVersion, AgentVersionSummary } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { RevertConfirm } from "./revert-confirm.js";
import { SpecDiff } from "./spec-diff.js";
import { differingPaths } from "./spec-issues.js";

/**
 * The saved versions of an agent (`GET /api/agents/:name/versions`), newest
 * first: tick two to see their diff; "revert" first shows what it would
 * change (the diff from the current version to the old one) and asks; only
 * a confirmation saves the old spec again, with the editor's `If-Match`, so
 * a change someone else saved meanwhile is refused (412), not overwritten.
 * Reloads whenever `etag` changes (every save).
 */
export function AgentVersions(props: {
  name: string;
  etag: string;
  onReverted: (agent: Agent, etag: string, version: number) => void;
}) {
  const { api, words, locale } = useConsole();
  const w = words.versions;
  const path = `/api/agents/${encodeURIComponent(props.name)}/versions`;
  const [versions, setVersions] = useState<AgentVersionSummary[]>();
  const [picked, setPicked] = useState<number[]>([]);
  const [specs, setSpecs] = useState<Record<number, unknown>>({});
  const [message, setMessage] = useState<{ error: boolean; text: string }>();
  /** The version a revert is being confirmed for, with the current one it would replace. */
  const [asking, setAsking] = useState<{ version: number; current: number }>();

  useEffect(() => {
    void props.etag; // a new ETag is a new save: list again
    setAsking(undefined); // a revert asked about before that save would show a stale diff
    api.get<{ data: AgentVersionSummary[] }>(path).then(
      (list) => setVersions(list.data),
      (error: Error) => setMessage({ error: true, text: error.message }),
    );
  }, [api, path, props.etag]);

  const spec = async (n: number): Promise<unknown> => {
    if (n in specs) return specs[n];
    const { spec } = await api.get<AgentVersion>(`${path}/${n}`);
    setSpecs((known) => ({ ...known, [n]: spec }));
    return spec;
  };
  const pick = (n: number, on: boolean) => {
    const next = on ? [...picked.filter((p) => p !== n), n].slice(-2) : picked.filter((p) => p !== n);
    setPicked(next);
    for (const p of next) spec(p).catch((error: Error) => setMessage({ error: true, text: error.message }));
  };
  const ask = async (n: number, current: number) => {
    setMessage(undefined);
    try {
      await Promise.all([spec(n), spec(current)]);
      setAsking({ version: n, current });
    } catch (error) {
      setMessage({ error: true, text: (error as Error).message });
    }
  };
  const revert = async (n: number) => {
    setAsking(undefined);
    setMessage(undefined);
    try {
      const old = await spec(n);
      const { body, headers } = await api.send<Agent>(
        "PUT",
        `/api/agents/${encodeURIComponent(props.name)}`,
        old,
        { "if-match": props.etag },
      );
      setPicked([]);
      setMessage({ error: false, text: w.reverted(n) });
      props.onReverted(body, headers.get("etag") ?? "", n);
    } catch (error) {
      const text =
        error instanceof ApiError && error.code === "spec_changed"
          ? words.specChanged
          : (error as Error).message;
      setMessage({ error: true, text });
    }
  };

  if (!versions) return null;
  const [older, newer] = [...picked].sort((a, b) => a - b);
  const ready = older !== undefined && newer !== undefined && older in specs && newer in specs;
  return (
    <section aria-labelledby="versions-title" className="versions">
      <h2 id="versions-title">{w.title}</h2>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{w.compare}</th>
              <th>#</th>
              <th>{w.savedAt}</th>
              <th>{w.savedBy}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.map((v, i) => (
              <tr key={v.version}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${w.compare} ${w.version(v.version)}`}
                    checked={picked.includes(v.version)}
                    onChange={(e) => pick(v.version, e.target.checked)}
                  />
                </td>
                <td>
                  {w.version(v.version)}
                  {i === 0 && <span className="muted"> ({w.current})</span>}
                </td>
                <td>{new Date(v.savedAt).toLocaleString(locale)}</td>
                <td>{v.savedBy ? (v.savedBy.keyName ?? v.savedBy.keyId) : "—"}</td>
                <td>
                  {i > 0 && (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`${w.revert}: ${w.version(v.version)}`}
                      onClick={() => void ask(v.version, versions[0]!.version)}
                    >
                      {w.revert}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {asking && asking.version in specs && asking.current in specs && (
        <RevertConfirm
          version={asking.version}
          current={asking.current}
          currentSpec={specs[asking.current]}
          oldSpec={specs[asking.version]}
          onConfirm={() => void revert(asking.version)}
          onCancel={() => setAsking(undefined)}
        />
      )}
      {message && (
        <p role={message.error ? "alert" : "status"} className={message.error ? "error" : "muted"}>
          {message.text}
        </p>
      )}
      {!ready ? (
        <p className="muted">{w.pickTwo}</p>
      ) : differingPaths(specs[older], specs[newer]).length === 0 ? (
        <p className="muted">{w.same}</p>
      ) : (
        <SpecDiff
          before={specs[older]}
          after={specs[newer]}
          beforeLabel={w.version(older)}
          afterLabel={w.version(newer)}
          words={words}
        />
      )}
    </section>
  );
}
