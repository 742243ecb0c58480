import { useEffect, useMemo, useState } from "react";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { ApiError } from "../api/api-client.js";
import type { Agent, CatalogModel } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { go } from "../ui/use-hash-route.js";
import { AgentForm, type Draft } from "./agent-form.js";
import { AgentVersions } from "./agent-versions.js";
import { paramPath } from "./param-path.js";
import { SpecDiff } from "./spec-diff.js";
import { specIssues } from "./spec-issues.js";

interface Conflict {
  theirs: Draft;
  etag: string;
}

/**
 * Creates (`name` undefined) or edits an agent: the form and a YAML view of
 * one draft, checked live with the server's own schema; saved with the
 * version it was read at (`If-Match`), so that a change someone else saved
 * meanwhile is shown, never silently overwritten.
 */
export default function AgentEditor({ name }: { name: string | undefined }) {
  const { api, words, locale } = useConsole();
  const [draft, setDraft] = useState<Draft>();
  const [etag, setEtag] = useState<string>();
  const [view, setView] = useState<"form" | "yaml">("form");
  const [yamlText, setYamlText] = useState("");
  const [yamlError, setYamlError] = useState<string>();
  const [models, setModels] = useState<CatalogModel[]>([]);
  const [status, setStatus] = useState<{ kind: "saving" | "saved" | "error"; message?: string }>();
  const [conflict, setConflict] = useState<Conflict>();
  // What the server refused the last save for (a model not in its catalog, a private webhook host), on its field until the next edit.
  const [refused, setRefused] = useState<{ path: string; message: string }>();
  const issues = useMemo(() => {
    const found = draft ? specIssues(draft, locale) : new Map<string, string[]>();
    if (refused) found.set(refused.path, [...(found.get(refused.path) ?? []), refused.message]);
    return found;
  }, [draft, locale, refused]);

  useEffect(() => {
    api.get<{ data: CatalogModel[] }>("/v1/models").then(
      (list) => setModels(list.data.filter((m) => !m.id.startsWith("agent:"))),
      () => setModels([]),
    );
    if (name === undefined) {
      setDraft({ name: "", persona: "", languages: [locale], widget: { enabled: true } });
      setEtag(undefined);
      return;
    }
    api.send<Agent>("GET", `/api/agents/${encodeURIComponent(name)}`).then(
      ({ body, headers }) => {
        setDraft(body.spec as Draft);
        setEtag(headers.get("etag") ?? undefined);
      },
      (error: Error) => setStatus({ kind: "error", message: error.message }),
    );
  }, [api, name, locale]);

  if (!draft) return <p className="muted">{status?.message ?? words.loading}</p>;

  const change = (next: Draft) => {
    setDraft(next);
    setRefused(undefined);
    setStatus(undefined);
  };
  const showYaml = () => {
    setYamlText(toYaml(draft));
    setYamlError(undefined);
    setView("yaml");
  };
  const editYaml = (text: string) => {
    setYamlText(text);
    try {
      const parsed = parseYaml(text) as unknown;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("not a mapping");
      setYamlError(undefined);
      change(parsed as Draft);
    } catch (error) {
      setYamlError(`${words.yamlInvalid}: ${(error as Error).message}`);
    }
  };
  const save = async (version: string | undefined = etag) => {
    const agentName = String(draft.name ?? "");
    setStatus({ kind: "saving" });
    setConflict(undefined);
    try {
      const headers: Record<string, string> = version ? { "if-match": version } : { "if-none-match": "*" };
      const { body, headers: answer } = await api.send<Agent>(
        "PUT",
        `/api/agents/${encodeURIComponent(agentName)}`,
        draft,
        headers,
      );
      setEtag(answer.get("etag") ?? undefined);
      setDraft(body.spec as Draft);
      setStatus({ kind: "saved" });
      if (name === undefined) go("agents", agentName);
    } catch (error) {
      if (error instanceof ApiError && error.code === "spec_changed" && version) {
        const { body, headers } = await api.send<Agent>(
          "GET",
          `/api/agents/${encodeURIComponent(agentName)}`,
        );
        const theirs = body.spec as Draft;
        setConflict({ theirs, etag: headers.get("etag") ?? "" });
        setStatus(undefined);
        return;
      }
      if (error instanceof ApiError && error.param && (error.status === 400 || error.status === 403)) {
        setRefused({ path: paramPath(error.param), message: error.message });
        setStatus(undefined);
        return;
      }
      const message =
        error instanceof ApiError && error.code === "spec_changed"
          ? words.nameTaken
          : (error as Error).message;
      setStatus({ kind: "error", message });
    }
  };

  const problems = issues.size + (yamlError ? 1 : 0);
  return (
    <section aria-labelledby="editor-title" className="editor">
      <div className="page-head">
        <h1 id="editor-title">{name ?? words.newAgent}</h1>
        <div role="tablist" aria-label={words.form} className="tabs">
          <button type="button" role="tab" aria-selected={view === "form"} onClick={() => setView("form")}>
            {words.form}
          </button>
          <button type="button" role="tab" aria-selected={view === "yaml"} onClick={showYaml}>
            {words.yaml}
          </button>
        </div>
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {view === "form" ? (
          <AgentForm
            draft={draft}
            isNew={name === undefined}
            issues={issues}
            models={models}
            words={words}
            onChange={change}
          />
        ) : (
          <div className="field">
            <label htmlFor="spec-yaml">{words.yaml}</label>
            <textarea
              id="spec-yaml"
              className="code"
              rows={24}
              spellCheck={false}
              value={yamlText}
              aria-invalid={yamlError !== undefined || issues.size > 0}
              onChange={(e) => editYaml(e.target.value)}
            />
            {yamlError && <p className="error">{yamlError}</p>}
            {issues.size > 0 && (
              <ul className="field-errors">
                {[...issues].map(([path, messages]) => (
                  <li key={path}>
                    <code>{path || "(spec)"}</code>: {messages.join("; ")}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        {conflict && (
          <div className="conflict" role="alert">
            <p>{words.specChanged}</p>
            <SpecDiff
              before={conflict.theirs}
              after={draft}
              beforeLabel={words.diffTheirs}
              afterLabel={words.diffMine}
              words={words}
            />
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setDraft(conflict.theirs);
                setEtag(conflict.etag);
                setConflict(undefined);
              }}
            >
              {words.specChangedUseTheirs}
            </button>{" "}
            <button type="button" onClick={() => void save(conflict.etag)}>
              {words.specChangedOverwrite}
            </button>
          </div>
        )}
        <div className="actions">
          <button type="submit" disabled={problems > 0 || status?.kind === "saving"}>
            {status?.kind === "saving" ? words.saving : words.save}
          </button>
          <span aria-live="polite" className={status?.kind === "error" || problems > 0 ? "error" : "muted"}>
            {problems > 0
              ? words.errorsCount(problems)
              : status?.kind === "saved"
                ? words.saved
                : status?.message}
          </span>
        </div>
      </form>
      {name !== undefined && etag && (
        <AgentVersions
          name={name}
          etag={etag}
          onReverted={(agent, tag) => {
            setDraft(agent.spec as Draft);
            setEtag(tag);
            setConflict(undefined);
            setStatus(undefined);
          }}
        />
      )}
    </section>
  );
}
