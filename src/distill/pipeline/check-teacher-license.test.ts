import { describe, expect, it } from "vitest";
import { AlambiqueError, UsageError } from "../../spec/errors.js";
import type { ModelRecord } from "../../spec/store.js";
import { checkTeacherLicense } from "./check-teacher-license.js";

const teacher = (facts: Partial<ModelRecord>): ModelRecord => ({
  name: "big-teacher",
  source: "url:http://gpu-box:8000/v1",
  architecture: null,
  parameterCount: null,
  quantization: null,
  contextLength: null,
  licenseId: "apache-2.0",
  licenseUrl: null,
  weightsOpenness: "open",
  dataOpenness: null,
  codeOpenness: null,
  outputsMayTrain: true,
  metadata: {},
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...facts,
});

describe("checkTeacherLicense", () => {
  it("allows a licence that lets outputs train, saying its conditions", () => {
    expect(checkTeacherLicense(teacher({}))).toEqual({
      license: { licenseId: "apache-2.0", outputsMayTrain: true, conditions: null, override: null },
      warnings: [],
    });
    const llama = checkTeacherLicense(teacher({ licenseId: "llama3.1" }));
    expect(llama.license.override).toBeNull();
    expect(llama.warnings[0]).toMatch(/sets conditions .*Built with Llama/);
  });

  it("refuses one that forbids it, naming the licence and its conditions, unless that licence is allowed", () => {
    const forbidden = teacher({
      licenseId: "llama3",
      outputsMayTrain: false,
      licenseUrl: "https://www.llama.com/llama3/license/",
    });
    const error = (() => {
      try {
        checkTeacherLicense(forbidden);
      } catch (e) {
        return e;
      }
    })();
    expect(AlambiqueError.isInstance(error) && error.code).toBe("license_forbids_training");
    expect((error as AlambiqueError).message).toMatch(
      /Meta Llama 3 Community License, whose outputs may not train other models: outputs may not be used/,
    );
    expect((error as AlambiqueError).hint).toMatch(/--allow-license llama3.*recorded.*llama\.com/);

    const allowed = checkTeacherLicense(forbidden, "LLAMA-3");
    expect(allowed.license).toMatchObject({
      licenseId: "llama3",
      outputsMayTrain: false,
      override: "llama3",
    });
    expect(allowed.warnings[0]).toMatch(/overridden with --allow-license llama3/);
    expect(() => checkTeacherLicense(forbidden, "apache-2.0")).toThrow(UsageError);
  });

  it("warns and goes on when the licence is unknown", () => {
    const unknown = checkTeacherLicense(teacher({ licenseId: null, outputsMayTrain: null }));
    expect(unknown.license).toMatchObject({ licenseId: null, outputsMayTrain: null, override: null });
    expect(unknown.warnings[0]).toMatch(/licence of big-teacher is unknown/);
    const odd = checkTeacherLicense(teacher({ licenseId: "acme-1.0", outputsMayTrain: null }));
    expect(odd.warnings[0]).toMatch(/acme-1.0, which Alambique does not know/);
    const forbiddenUnknown = teacher({ licenseId: null, outputsMayTrain: false });
    expect(checkTeacherLicense(forbiddenUnknown, "unknown").license.override).toBe("unknown");
  });
});
