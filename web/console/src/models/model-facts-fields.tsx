import type { Words } from "../i18n/words.js";
import { Field } from "../ui/field.js";

/** What the catalog says about a model beyond its file: licence, openness, whether outputs may train. */
export interface FactsDraft {
  license: string;
  weights: string;
  data: string;
  code: string;
  /** `""` (from the licence), `yes` or `no`. */
  outputsMayTrain: string;
}

export const emptyFacts: FactsDraft = { license: "", weights: "", data: "", code: "", outputsMayTrain: "" };

/** The body's fields for `facts`; what is left empty is left out (the GGUF or the licence table decides). */
export function factsBody(facts: FactsDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (facts.license.trim()) body.license = facts.license.trim();
  for (const key of ["weights", "data", "code"] as const) if (facts[key]) body[key] = facts[key];
  if (facts.outputsMayTrain) body.outputsMayTrain = facts.outputsMayTrain === "yes";
  return body;
}

/** The licence id and the openness choices, each "from the licence" when left alone. */
export function ModelFactsFields(props: {
  facts: FactsDraft;
  words: Words;
  errors(field: string): string[];
  onChange(field: keyof FactsDraft, value: string): void;
}) {
  const { facts, words, errors, onChange } = props;
  const w = words.addModel;
  const openness = [
    ["weights", words.weights],
    ["data", words.data],
    ["code", words.code],
  ] as const;
  return (
    <div className="form-grid">
      <Field label={w.license} help={w.licenseHelp} errors={errors("license")}>
        {(aria) => (
          <input {...aria} value={facts.license} onChange={(e) => onChange("license", e.target.value)} />
        )}
      </Field>
      {openness.map(([key, label]) => (
        <Field key={key} label={label} errors={errors(key)}>
          {(aria) => (
            <select {...aria} value={facts[key]} onChange={(e) => onChange(key, e.target.value)}>
              <option value="">{w.fromLicence}</option>
              {(["open", "gated", "closed"] as const).map((o) => (
                <option key={o} value={o}>
                  {words.opennessNames[o]}
                </option>
              ))}
            </select>
          )}
        </Field>
      ))}
      <Field label={words.outputsMayTrain} errors={errors("outputsMayTrain")}>
        {(aria) => (
          <select
            {...aria}
            value={facts.outputsMayTrain}
            onChange={(e) => onChange("outputsMayTrain", e.target.value)}
          >
            <option value="">{w.fromLicence}</option>
            <option value="yes">{words.yes}</option>
            <option value="no">{words.no}</option>
          </select>
        )}
      </Field>
    </div>
  );
}
