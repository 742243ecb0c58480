import type { Words } from "../i18n/words.js";
import { Field } from "../ui/field.js";
import { LinesInput } from "../ui/lines-input.js";
import { issuesAt, type SpecIssues } from "./spec-issues.js";

type Guardrails = Record<string, unknown> & {
  allowedTopics?: unknown;
  refusal?: unknown;
  redactPii?: unknown;
};

/**
 * The agent's guardrails: the topics it keeps to (none: any), what it says
 * when it refuses (one text; a per-language refusal is kept and edited in the
 * YAML view), and whether personal data is masked (on unless turned off).
 */
export function GuardrailsFields(props: {
  guardrails: Guardrails | undefined;
  issues: SpecIssues;
  words: Words;
  onChange(guardrails: Guardrails): void;
}) {
  const { issues, words } = props;
  const w = words.guardrails;
  const g = props.guardrails ?? {};
  const set = (patch: Guardrails) => props.onChange({ ...g, ...patch });
  const refusalIsText = g.refusal === undefined || typeof g.refusal === "string";
  return (
    <fieldset className="guardrails">
      <legend>{w.title}</legend>
      <Field
        label={w.allowedTopics}
        help={w.allowedTopicsHelp}
        errors={issuesAt(issues, "guardrails.allowedTopics")}
      >
        {(a) => (
          <LinesInput
            {...a}
            value={Array.isArray(g.allowedTopics) ? (g.allowedTopics as string[]) : []}
            onLines={(allowedTopics) => set({ allowedTopics })}
          />
        )}
      </Field>
      {refusalIsText ? (
        <Field label={w.refusal} help={w.refusalHelp} errors={issuesAt(issues, "guardrails.refusal")}>
          {(a) => (
            <textarea
              {...a}
              rows={2}
              value={typeof g.refusal === "string" ? g.refusal : ""}
              onChange={(e) => set({ refusal: e.target.value === "" ? undefined : e.target.value })}
            />
          )}
        </Field>
      ) : (
        <p className="muted">{w.refusalPerLanguage}</p>
      )}
      <div className="field checkbox">
        <label>
          <input
            type="checkbox"
            checked={g.redactPii !== false}
            onChange={(e) => set({ redactPii: e.target.checked })}
          />{" "}
          {w.redactPii}
        </label>
      </div>
    </fieldset>
  );
}
