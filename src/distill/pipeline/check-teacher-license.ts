/**
 * Before a synthetic-data run: may the teacher's outputs train another model?
 * The catalog says so per model (`outputsMayTrain`, from its licence or set by
 * a person). No → the run is refused, naming the licence and its conditions,
 * unless the person explicitly allows that licence by id (`--allow-license
 * ID`, e.g. when they hold a separate agreement); the override is recorded in
 * the job and in the dataset card. Unknown → allowed, with a warning.
 */
import { findLicense } from "../../models/catalog/known-licenses.js";
import { AlambiqueError, UsageError } from "../../spec/errors.js";
import type { ModelRecord } from "../../spec/store.js";
import type { SynthLicense } from "./synth-job-payload.js";

export interface LicenseDecision {
  license: SynthLicense;
  /** For the person: an unknown licence, or an override in force. */
  warnings: string[];
}

/**
 * Throws `AlambiqueError` `license_forbids_training` (403) when the outputs
 * may not train and `allowLicense` does not name the licence, and
 * `UsageError` when `allowLicense` names a licence other than the teacher's.
 */
export function checkTeacherLicense(teacher: ModelRecord, allowLicense?: string): LicenseDecision {
  const licenseId = teacher.licenseId;
  const known = findLicense(licenseId);
  const conditions =
    (typeof teacher.metadata.licenseConditions === "string" ? teacher.metadata.licenseConditions : null) ??
    known?.conditions ??
    null;
  const license: SynthLicense = {
    licenseId,
    outputsMayTrain: teacher.outputsMayTrain,
    conditions,
    override: null,
  };
  const name = licenseId ?? "unknown";
  if (allowLicense !== undefined && !sameLicense(allowLicense, licenseId)) {
    throw new UsageError(
      `--allow-license ${allowLicense} does not match the teacher ${teacher.name}'s licence (${name})`,
      `name the teacher's licence exactly: --allow-license ${name}`,
    );
  }
  if (teacher.outputsMayTrain === false) {
    if (allowLicense === undefined) {
      const terms = conditions ? `: ${conditions}` : "";
      throw new AlambiqueError(
        `the teacher ${teacher.name} is under ${known?.name ?? name}, whose outputs may not train other models${terms}`,
        {
          code: "license_forbids_training",
          status: 403,
          retryable: false,
          hint:
            `choose a teacher whose licence allows it (\`alambique models list\`, column OUTPUTS TRAIN), or, ` +
            `if you hold permission (e.g. a separate agreement), pass --allow-license ${name}; the override is recorded in the job and the dataset card` +
            (teacher.licenseUrl ? ` (licence: ${teacher.licenseUrl})` : ""),
        },
      );
    }
    return {
      license: { ...license, override: name },
      warnings: [
        `the licence ${name} of ${teacher.name} forbids training on its outputs; overridden with --allow-license ${name} (recorded in the job and the dataset card)`,
      ],
    };
  }
  const warnings: string[] = [];
  if (teacher.outputsMayTrain === null) {
    warnings.push(
      `the licence of ${teacher.name} is ${licenseId ? `${licenseId}, which Alambique does not know` : "unknown"}: ` +
        "check that its outputs may train other models (`alambique models add … --outputs-may-train yes|no` records it)",
    );
  } else if (conditions) {
    warnings.push(
      `the licence ${name} of ${teacher.name} sets conditions on models trained on its outputs: ${conditions}`,
    );
  }
  return { license, warnings };
}

function sameLicense(a: string, b: string | null): boolean {
  if (b === null) return a.trim().toLowerCase() === "unknown";
  const norm = (id: string) => findLicense(id)?.id ?? id.trim().toLowerCase();
  return norm(a) === norm(b);
}
