import { useEffect, useState } from "react";
import {
  addModelBodySchema,
  connectionTestBodySchema,
  downloadModelBodySchema,
} from "../../../../src/server/api/add-model-body.js";
import { ApiError } from "../api/api-client.js";
import { useConsole } from "../session/console-context.js";
import { Field } from "../ui/field.js";
import { ConnectionResult } from "./connection-result.js";
import { DownloadProgress } from "./download-progress.js";
import { fieldIssues } from "./field-issues.js";
import { emptyFacts, type FactsDraft, factsBody, ModelFactsFields } from "./model-facts-fields.js";
import type { ConnectionTest, ModelDownload } from "./model-types.js";

type Kind = "gguf" | "hf" | "url";
const kinds: Kind[] = ["gguf", "hf", "url"];
const empty = { name: "", path: "", hf: "", url: "", remoteModel: "", apiKeyEnv: "", ...emptyFacts };
type Draft = typeof empty;

/** The request body for `kind`, as the server's schema takes it; empty optional fields left out. */
function bodyOf(kind: Kind, d: Draft): Record<string, unknown> {
  const common = { name: d.name.trim(), ...factsBody(d as FactsDraft) };
  if (kind === "gguf") return { kind, ...common, path: d.path.trim() };
  if (kind === "hf") return { ...common, hf: d.hf.trim() };
  return { kind, ...common, url: d.url.trim(), ...engineOptions(d) };
}

function engineOptions(d: Draft): Record<string, string> {
  return {
    ...(d.remoteModel.trim() ? { remoteModel: d.remoteModel.trim() } : {}),
    ...(d.apiKeyEnv.trim() ? { apiKeyEnv: d.apiKeyEnv.trim() } : {}),
  };
}

/**
 * "Add a model", three ways (a tab each), as `alambique models add` has them:
 * a GGUF file on the server (`POST /api/models`), a Hugging Face file the
 * server downloads with a progress bar (`POST /api/model-downloads`), an
 * OpenAI-compatible engine with "test connection" first. The body is checked
 * with the server's own schema as it is typed (a field's problems show once it
 * was touched, all of them after a try); what only the server can tell (no
 * such file, an engine that does not answer) comes back on its field (`param`).
 */
export function AddModelForm({ onAdded }: { onAdded(): void }) {
  const { api, words, locale } = useConsole();
  const w = words.addModel;
  const [kind, setKind] = useState<Kind>("gguf");
  const [draft, setDraft] = useState<Draft>(empty);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [tried, setTried] = useState(false);
  const [refused, setRefused] = useState<{ param: string; message: string }>();
  const [status, setStatus] = useState<{ kind: "busy" | "ok" | "error"; message: string }>();
  const [connection, setConnection] = useState<ConnectionTest>();
  const [downloads, setDownloads] = useState<ModelDownload[]>([]);
  useEffect(() => {
    // Downloads already running (the page was reloaded, another tab started one) are followed too.
    api.get<{ data: ModelDownload[] }>("/api/model-downloads").then(
      (list) => setDownloads(list.data.filter((d) => d.status === "running")),
      () => undefined,
    );
  }, [api]);

  const schema = kind === "hf" ? downloadModelBodySchema : addModelBodySchema;
  const issues = fieldIssues(schema, bodyOf(kind, draft), locale);
  const errors = (field: string) => [
    ...(tried || touched.has(field) ? (issues.get(field) ?? []) : []),
    ...(refused?.param === field ? [refused.message] : []),
  ];
  const change = (field: keyof Draft, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setTouched((t) => new Set(t).add(field));
    if (refused?.param === field) setRefused(undefined);
    if (field === "url" || field === "remoteModel" || field === "apiKeyEnv") setConnection(undefined);
  };
  const failed = (error: unknown) => {
    if (error instanceof ApiError && error.param && error.param !== "id") {
      setRefused({ param: error.param, message: error.message });
      setStatus(undefined);
    } else setStatus({ kind: "error", message: (error as Error).message });
  };

  const submit = async () => {
    setTried(true);
    if (issues.size > 0) return setStatus({ kind: "error", message: w.fixFirst });
    setStatus({ kind: "busy", message: w.adding });
    try {
      if (kind === "hf") {
        const started = await api.post<ModelDownload>("/api/model-downloads", bodyOf(kind, draft));
        setDownloads((list) => [started, ...list]);
        setStatus(undefined);
      } else {
        await api.post("/api/models", bodyOf(kind, draft));
        setStatus({ kind: "ok", message: w.added(draft.name.trim()) });
        onAdded();
      }
      setDraft(empty);
      setRefused(undefined);
      setTouched(new Set());
      setTried(false);
      setConnection(undefined);
    } catch (error) {
      failed(error);
    }
  };

  const testConnection = async () => {
    const body = { url: draft.url.trim(), ...engineOptions(draft) };
    if (fieldIssues(connectionTestBodySchema, body, locale).size > 0) return setTried(true);
    setStatus({ kind: "busy", message: w.testing });
    try {
      setConnection(await api.post<ConnectionTest>("/api/models/test-connection", body));
      setStatus(undefined);
    } catch (error) {
      failed(error);
    }
  };

  const input = (field: keyof Draft, label: string, help: string, extra: { placeholder?: string } = {}) => (
    <Field label={label} help={help} errors={errors(field)}>
      {(aria) => (
        <input
          {...aria}
          {...extra}
          spellCheck={false}
          value={draft[field]}
          onChange={(e) => change(field, e.target.value)}
        />
      )}
    </Field>
  );
  return (
    <section aria-labelledby="add-model-title" className="card add-model">
      <h2 id="add-model-title">{w.title}</h2>
      <div role="tablist" aria-label={w.how} className="tabs">
        {kinds.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={kind === k}
            onClick={() => {
              setKind(k);
              setRefused(undefined);
              setStatus(undefined);
            }}
          >
            {w.kinds[k]}
          </button>
        ))}
      </div>
      <form
        aria-label={w.kinds[kind]}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {input("name", w.name, w.nameHelp)}
        {kind === "gguf" && input("path", w.path, w.pathHelp, { placeholder: "/srv/models/model.gguf" })}
        {kind === "hf" && input("hf", w.hf, w.hfHelp, { placeholder: "owner/repo/model-Q4_K_M.gguf" })}
        {kind === "url" && (
          <>
            {input("url", w.url, w.urlHelp, { placeholder: "http://127.0.0.1:8000/v1" })}
            <div className="form-grid">
              {input("remoteModel", w.remoteModel, w.remoteModelHelp)}
              {input("apiKeyEnv", w.apiKeyEnv, w.apiKeyEnvHelp)}
            </div>
          </>
        )}
        <ModelFactsFields facts={draft} words={words} errors={errors} onChange={change} />
        <div className="actions">
          <button type="submit" disabled={status?.kind === "busy"}>
            {kind === "hf" ? w.download : w.add}
          </button>
          {kind === "url" && (
            <button type="button" disabled={status?.kind === "busy"} onClick={() => void testConnection()}>
              {w.testConnection}
            </button>
          )}
          <span aria-live="polite" className={status?.kind === "error" ? "error" : "muted"}>
            {status?.message}
          </span>
        </div>
      </form>
      {kind === "url" && connection && <ConnectionResult result={connection} words={words} />}
      {downloads.map((d) => (
        <DownloadProgress key={d.id} api={api} words={words} download={d} onDone={onAdded} />
      ))}
    </section>
  );
}
