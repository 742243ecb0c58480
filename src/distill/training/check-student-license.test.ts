import { describe, expect, it } from "vitest";
import type { ModelRecord } from "../../spec/store.js";
import { checkStudentLicense } from "./check-student-license.js";

const model = (licenseId: string | null, outputsMayTrain: boolean | null = null): ModelRecord => ({
  name: "m",
  source: "gguf:/m.gguf",
  architecture: "llama",
  parameterCount: 1,
  quantization: "F32",
  contextLength: 4096,
  licenseId,
  licenseUrl: null,
  weightsOpenness: "open",
  dataOpenness: null,
  codeOpenness: null,
  outputsMayTrain,
  metadata: {},
  createdAt: "",
  updatedAt: "",
});
const teacher = (licenseId: string | null, licenseOverride?: string) => ({
  name: "teacher",
  licenseId,
  ...(licenseOverride ? { licenseOverride } : {}),
});
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string; hint?: string };
  }
  throw new Error("not refused");
};

describe("a student's licence", () => {
  it("is its base's, with the base's and the teacher's conditions and attribution", () => {
    const { license, warnings } = checkStudentLicense({
      name: "llama-espiga",
      base: model("llama3.2"),
      teacher: teacher("qwen"),
      teacherRecord: undefined,
    });
    expect(license).toMatchObject({
      id: "llama3.2",
      url: "https://www.llama.com/llama3_2/license/",
      attribution: ["Built with Llama", "Built with Qwen"],
      override: null,
    });
    expect(license.conditions).toHaveLength(2);
    expect(license.conditions[0]).toMatch(/^Llama 3.2 Community License \(the base's\): a model trained/);
    expect(license.conditions[1]).toMatch(/^Qwen License Agreement \(the teacher's\)/);
    expect(warnings).toEqual([]);
  });

  it('must begin with "Llama" when a Llama 3.x licence is involved, unless allowed', () => {
    const input = {
      name: "espiga",
      base: model("apache-2.0"),
      teacher: teacher("llama3.1"),
      teacherRecord: undefined,
    };
    const error = refusal(() => checkStudentLicense(input));
    expect(error.code).toBe("license_forbids_training");
    expect(error.message).toMatch(
      /the teacher is under Llama 3.1 Community License.*"Llama"; espiga does not/,
    );
    expect(error.hint).toMatch(/llama-espiga.*--allow-license llama3.1/);
    const allowed = checkStudentLicense({ ...input, allowLicense: "llama-3.1" });
    expect(allowed.license.override).toBe("llama3.1");
    expect(allowed.warnings[0]).toMatch(/allowed with --allow-license llama3.1/);
    expect(checkStudentLicense({ ...input, name: "Llama-espiga" }).license.attribution).toEqual([
      "Built with Llama",
    ]);
  });

  it("refuses a teacher whose outputs may not train other models, unless the dataset or the person allowed it", () => {
    const input = {
      name: "llama-espiga",
      base: model("apache-2.0"),
      teacher: teacher("mrl"),
      teacherRecord: undefined,
    };
    expect(refusal(() => checkStudentLicense(input)).message).toMatch(
      /Mistral AI Research License, whose outputs may not train/,
    );
    expect(checkStudentLicense({ ...input, allowLicense: "mrl" }).license.override).toBe("mrl");
    const fromSynth = checkStudentLicense({ ...input, teacher: teacher("mrl", "mrl") });
    expect(fromSynth.license.override).toBe("mrl");
    // The catalog's own record of the teacher overrides what the licence's facts say.
    expect(checkStudentLicense({ ...input, teacherRecord: model("mrl", true) }).license.override).toBeNull();
    expect(refusal(() => checkStudentLicense({ ...input, allowLicense: "gemma" })).message).toMatch(
      /neither the base's licence \(apache-2.0\) nor the teacher's \(mrl\)/,
    );
  });

  it("warns when a licence is unknown", () => {
    const { license, warnings } = checkStudentLicense({
      name: "s",
      base: undefined,
      teacher: teacher("some-custom"),
      teacherRecord: undefined,
    });
    expect(license.id).toBeNull();
    expect(warnings).toEqual([
      "the base's licence is unknown: check what it allows before using the student",
      "the teacher's licence some-custom is not one Alambique knows: read it before using the student",
    ]);
  });
});
