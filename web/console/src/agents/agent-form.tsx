import type { CatalogModel } from "../api/api-types.js";
import type { Words } from "../i18n/words.js";
import { Field } from "../ui/field.js";
import { LinesInput } from "../ui/lines-input.js";
import { GuardrailsFields } from "./guardrails-fields.js";
import { type HoursDraft, HoursGrid } from "./hours-grid.js";
import { issuesAt, type SpecIssues } from "./spec-issues.js";
import { ToolsFields } from "./tools-fields.js";

/** A draft spec as the form edits it: the spec's input shape, loosely typed (it may be invalid). */
export type Draft = Record<string, unknown> & {
  handoff?: Record<string, unknown>;
  guardrails?: Record<string, unknown>;
  widget?: Record<string, unknown>;
};

/**
 * The fields of an agent spec an owner sets (tools, guardrails and opening
 * hours included); the rest (routing, evaluation, per-language texts) is in
 * the YAML view.
 */
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
          <LinesInput
            {...a}
            value={Array.isArray(draft.handoff?.topics) ? (draft.handoff.topics as string[]) : []}
            onLines={(topics) => set({ handoff: { ...draft.handoff, topics } })}
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
      <ToolsFields
        agent={props.isNew ? undefined : String(draft.name ?? "")}
        tools={draft.tools}
        issues={issues}
        words={words}
        onChange={(tools) => set({ tools })}
      />
      <GuardrailsFields
        guardrails={draft.guardrails}
        issues={issues}
        words={words}
        onChange={(guardrails) => set({ guardrails })}
      />
      <HoursGrid
        hours={draft.businessHours as HoursDraft | undefined}
        issues={issues}
        words={words}
        onChange={(businessHours) => set({ businessHours })}
      />
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
