import type { JsonValue } from "../../../spec/json.js";
import type { ModelRecord, NewModel } from "../../../spec/store.js";
import type { StudentAdapter, StudentLicense } from "../../../spec/students.js";

/**
 * The catalog record of a student that is a LoRA adapter on its base: its
 * `source` is the base's GGUF (what llama.cpp loads; readiness checks it) and
 * `metadata.lora` the adapter the embedded provider applies to every call
 * (`modelLora`); the base's architecture, context and openness; the licence
 * the checks decided (the base's, inherited). `provenance` goes to
 * `metadata.student` as given (validated by the caller).
 */
export function adapterStudentRecord(input: {
  name: string;
  base: { path: string; record: ModelRecord | undefined };
  adapter: StudentAdapter;
  license: StudentLicense;
  provenance: JsonValue;
}): NewModel {
  const { base, license } = input;
  return {
    name: input.name,
    source: `gguf:${base.path}`,
    architecture: base.record?.architecture ?? null,
    parameterCount: base.record?.parameterCount ?? null,
    quantization: base.record?.quantization ?? null,
    contextLength: base.record?.contextLength ?? null,
    licenseId: license.id,
    licenseUrl: license.url,
    weightsOpenness: "open",
    dataOpenness: base.record?.dataOpenness ?? null,
    codeOpenness: base.record?.codeOpenness ?? null,
    outputsMayTrain: base.record?.outputsMayTrain ?? null,
    metadata: {
      student: input.provenance,
      lora: [{ path: input.adapter.file, scale: input.adapter.scale }],
      ...(license.conditions.length > 0 ? { licenseConditions: license.conditions.join("; ") } : {}),
    },
  };
}
