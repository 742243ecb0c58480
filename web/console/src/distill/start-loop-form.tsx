import { type FormEvent, useState } from "react";
import { ApiError } from "../api/api-client.js";
import type { Agent, CatalogEntry, StartDistillLoop, StartedDistillLoop } from "../api/api-types.js";
import { ModelLicence, mayTrainWord } from "../models/model-licence.js";
import { useConsole } from "../session/console-context.js";
import { Field } from "../ui/field.js";
import { useLoad } from "../ui/use-load.js";

const empty = {
  agent: "",
  teacher: "",
  base: "",
  student: "",
  rows: "",
  epochs: "",
  contextLength: "",
  maxTokens: "",
};
type Draft = typeof empty;
const numbers = ["rows", "epochs", "contextLength", "maxTokens"] as const;

/**
 * Starts a distillation loop (`POST /api/distill/loops`): the agent, a
 * teacher and a base from the catalog, each shown with its licence and
 * whether its outputs may train other models, and the sizes `alambique
 * distill` takes (empty: the CLI's defaults). The server makes the CLI's
 * checks; a refusal is shown on its field when it names one, above the
 * button otherwise, and nothing is queued.
 */
export function StartLoopForm({ onStarted }: { onStarted(started: StartedDistillLoop): void }) {
  const { api, words } = useConsole();
  const w = words.distillStart;
  const agents = useLoad(() => api.get<{ data: Agent[] }>("/api/agents"), [api]);
  const models = useLoad(() => api.get<{ data: CatalogEntry[] }>("/api/models"), [api]);
  const [draft, setDraft] = useState<Draft>(empty);
  const [refusal, setRefusal] = useState<{ message: string; param: string | null }>();
  const [busy, setBusy] = useState(false);
  const catalog = models.data?.data ?? [];
  const set = (key: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));
  const errorsAt = (param: string) => (refusal?.param === param ? [refusal.message] : []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: StartDistillLoop = { agent: draft.agent, teacher: draft.teacher, base: draft.base };
    if (draft.student.trim()) body.student = draft.student.trim();
    for (const key of numbers) if (draft[key].trim()) body[key] = Number(draft[key]);
    setBusy(true);
    setRefusal(undefined);
    try {
      const started = await api.post<StartedDistillLoop>("/api/distill/loops", body);
      setDraft((d) => ({ ...d, student: "" }));
      onStarted(started);
    } catch (error) {
      const param = error instanceof ApiError ? error.param : null;
      setRefusal({ message: (error as Error).message, param: param && param in empty ? param : null });
    } finally {
      setBusy(false);
    }
  };

  const modelSelect = (key: "teacher" | "base", label: string) => {
    const chosen = catalog.find((m) => m.name === draft[key]);
    return (
      <Field label={label} errors={errorsAt(key)}>
        {(a) => (
          <div>
            <select {...a} required value={draft[key]} onChange={set(key)}>
              <option value="" disabled>
                {w.choose}
              </option>
              {catalog.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name} · {m.licenseId ?? words.opennessNames.unknown} · {words.outputsMayTrain}:{" "}
                  {mayTrainWord(m.outputsMayTrain, words)}
                </option>
              ))}
            </select>
            {chosen && <ModelLicence model={chosen} />}
          </div>
        )}
      </Field>
    );
  };

  return (
    <form className="start-loop" aria-labelledby="start-loop-title" onSubmit={(e) => void submit(e)}>
      <h2 id="start-loop-title">{w.title}</h2>
      <p className="help">{w.help}</p>
      {(agents.error ?? models.error) && <p className="error">{(agents.error ?? models.error)?.message}</p>}
      <div className="form-grid">
        <Field label={words.agent} errors={errorsAt("agent")}>
          {(a) => (
            <select {...a} required value={draft.agent} onChange={set("agent")}>
              <option value="" disabled>
                {words.chooseAgent}
              </option>
              {agents.data?.data.map((agent) => (
                <option key={agent.id} value={agent.name}>
                  {agent.spec.displayName ?? agent.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={w.student} help={w.studentHelp} errors={errorsAt("student")}>
          {(a) => <input {...a} value={draft.student} onChange={set("student")} />}
        </Field>
        {modelSelect("teacher", w.teacher)}
        {modelSelect("base", w.base)}
        {numbers.map((key) => (
          <Field key={key} label={w[key]} help={w[`${key}Help`]} errors={errorsAt(key)}>
            {(a) => (
              <input
                {...a}
                type="number"
                min={1}
                inputMode="numeric"
                value={draft[key]}
                onChange={set(key)}
              />
            )}
          </Field>
        ))}
      </div>
      {refusal && refusal.param === null && (
        <p className="error" role="alert">
          {w.refused} {refusal.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? w.starting : w.start}
        </button>
      </div>
    </form>
  );
}
