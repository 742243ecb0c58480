import type { CatalogModel } from "../api/api-types.js";
import type { Words } from "../i18n/words.js";
import { Field } from "../ui/field.js";
import { issuesAt, type SpecIssues } from "./spec-issues.js";

/** A draft spec as the form edits it: the spec's input shape, loosely typed (it may be invalid). */
export type Draft = Record<string, unknown> & {
  handoff?: Record<string, unknown>;
  widget?: Record<string, unknown>;
};

const lines = (value: unknown) => (Array.isArray(value) ? value.join("\n") : "");
const splitLines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

/** The main fields of an agent spec; everything else is in the YAML view. */
export function AgentForm(props: {
  draft: Draft;
  isNew: boolean;
  issues: SpecIssues;
  models: CatalogModel[];
  words: Words;
  onChange(draft: Draft): void;
}) {
  const { draft, issues, words } = props;
  const set = (patch: Draft) => props.onChange({ ...draft, ...patch });
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const greetingIsText = draft.greeting === undefined || typeof draft.greeting === "string";
  return (
    <div className="form-grid">
      <Field label={words.name} help={words.nameHelp} errors={issuesAt(issues, "name")}>
        {(a) => (
          <input
            {...a}
            required
            readOnly={!props.isNew}
            value={text(draft.name)}
            onChange={(e) => set({ name: e.target.value })}
          />
        )}
      </Field>
      <Field label={words.displayName} errors={issuesAt(issues, "displayName")}>
        {(a) => (
          <input
            {...a}
            value={text(draft.displayName)}
            onChange={(e) => set({ displayName: e.target.value === "" ? undefined : e.target.value })}
          />
        )}
      </Field>
      <Field label={words.persona} help={words.personaHelp} errors={issuesAt(issues, "persona")}>
        {(a) => (
          <textarea
            {...a}
            rows={3}
            value={text(draft.persona)}
            onChange={(e) => set({ persona: e.target.value })}
          />
        )}
      </Field>
      <Field label={words.instructions} errors={issuesAt(issues, "instructions")}>
        {(a) => (
          <textarea
            {...a}
            rows={4}
            value={text(draft.instructions)}
            onChange={(e) => set({ instructions: e.target.value })}
          />
        )}
      </Field>
      <Field label={words.languages} help={words.languagesHelp} errors={issuesAt(issues, "languages")}>
        {(a) => (
          <input
            {...a}
            value={Array.isArray(draft.languages) ? draft.languages.join(", ") : ""}
            onChange={(e) =>
              set({
                languages: e.target.value
                  .split(",")
                  .map((l) => l.trim())
                  .filter((l) => l !== ""),
              })
            }
          />
        )}
      </Field>
      {greetingIsText && (
        <Field label={words.greeting} errors={issuesAt(issues, "greeting")}>
          {(a) => (
            <textarea
              {...a}
              rows={2}
              value={text(draft.greeting)}
              onChange={(e) => set({ greeting: e.target.value === "" ? undefined : e.target.value })}
            />
          )}
        </Field>
      )}
      <Field label={words.handoffTopics} help={words.handoffTopicsHelp} errors={issuesAt(issues, "handoff")}>
        {(a) => (
          <textarea
            {...a}
            rows={3}
            value={lines(draft.handoff?.topics)}
            onChange={(e) => set({ handoff: { ...draft.handoff, topics: splitLines(e.target.value) } })}
          />
        )}
      </Field>
      <Field label={words.model} errors={issuesAt(issues, "model")}>
        {(a) => (
          <select
            {...a}
            value={text(draft.model)}
            onChange={(e) => set({ model: e.target.value === "" ? undefined : e.target.value })}
          >
            <option value="">{words.modelNone}</option>
            {props.models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.id}
              </option>
            ))}
            {typeof draft.model === "string" && !props.models.some((m) => m.id === draft.model) && (
              <option value={draft.model}>{draft.model}</option>
            )}
          </select>
        )}
      </Field>
      <div className="field checkbox">
        <label>
          <input
            type="checkbox"
            checked={draft.widget?.enabled === true}
            onChange={(e) => set({ widget: { ...draft.widget, enabled: e.target.checked } })}
          />{" "}
          {words.widgetEnabled}
        </label>
      </div>
    </div>
  );
}
