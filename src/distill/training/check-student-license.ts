/**
 * Before training: what licence the student will carry, and whether it may be
 * made at all. The student is a derivative of its base and inherits the base's
 * licence; it is also trained on the teacher's outputs, so the teacher's terms
 * bind it too. Both come from the catalog (`licenseId`, `outputsMayTrain`) and
 * the known licences' facts. Guidance for a person, not legal advice.
 *
 * Refusals, each passable with `--allow-license ID` naming the licence (for a
 * person who holds a separate agreement; recorded in the job and the student):
 * - the teacher's licence forbids training other models on its outputs (and the
 *   dataset card records no override from `synth run`);
 * - a Llama 3.x licence (base or teacher) asks for "Llama" at the start of the
 *   name, and the name does not begin with it.
 */
import { findLicense, type LicenseFacts } from "../../models/catalog/known-licenses.js";
import { AlambiqueError, UsageError } from "../../spec/errors.js";
import type { ModelRecord } from "../../spec/store.js";
import type { StudentLicense } from "../../spec/students.js";

/** Naming and attribution rules the licences set on derivatives, by licence id. */
const RULES: Record<string, { namePrefix?: string; attribution: string }> = {
  "llama3.1": { namePrefix: "Llama", attribution: "Built with Llama" },
  "llama3.2": { namePrefix: "Llama", attribution: "Built with Llama" },
  "llama3.3": { namePrefix: "Llama", attribution: "Built with Llama" },
  llama3: { namePrefix: "Llama", attribution: "Built with Meta Llama 3" },
  qwen: { attribution: "Built with Qwen" },
  gemma: {
    attribution:
      "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms",
  },
};

export interface StudentLicenseInput {
  /** The student's name. */
  name: string;
  /** The base's catalog record; undefined for a bare .gguf path. */
  base: ModelRecord | undefined;
  /** The dataset card's teacher, and the teacher's catalog record when it is still there. */
  teacher: { name: string; licenseId: string | null; licenseOverride?: string | undefined };
  teacherRecord: ModelRecord | undefined;
  allowLicense?: string | undefined;
}

/**
 * Throws AlambiqueError `license_forbids_training` (403) for a refusal not
 * allowed, and UsageError when `allowLicense` names a licence that neither the
 * base nor the teacher has.
 */
export function checkStudentLicense(input: StudentLicenseInput): {
  license: StudentLicense;
  warnings: string[];
} {
  const warnings: string[] = [];
  const base = { role: "base", id: input.base?.licenseId ?? null };
  const teacher = { role: "teacher", id: input.teacher.licenseId };
  const involved = [base, teacher].map((l) => ({ ...l, facts: findLicense(l.id) }));
  const allowed = input.allowLicense === undefined ? undefined : norm(input.allowLicense);
  if (allowed !== undefined && !involved.some((l) => l.id !== null && norm(l.id) === allowed)) {
    throw new UsageError(
      `--allow-license ${input.allowLicense} is neither the base's licence (${base.id ?? "unknown"}) nor the teacher's (${teacher.id ?? "unknown"})`,
      "name the licence that refused the training exactly, as `students train` printed it",
    );
  }
  let override: string | null = null;
  const refuse = (id: string, message: string, hint: string) => {
    if (allowed === norm(id)) {
      override = id;
      warnings.push(`${message}; allowed with --allow-license ${id} (recorded in the student)`);
      return;
    }
    throw new AlambiqueError(message, {
      code: "license_forbids_training",
      status: 403,
      retryable: false,
      hint: `${hint}, or, if you hold permission (e.g. a separate agreement), pass --allow-license ${id}; the override is recorded`,
    });
  };

  const teacherFacts = involved[1]!.facts;
  const outputsMayTrain = input.teacherRecord?.outputsMayTrain ?? teacherFacts?.outputsMayTrain ?? null;
  if (outputsMayTrain === false && teacher.id !== null) {
    if (input.teacher.licenseOverride !== undefined) {
      warnings.push(
        `the teacher ${input.teacher.name}'s licence ${teacher.id} forbids training on its outputs; the dataset was made with --allow-license ${input.teacher.licenseOverride} (recorded)`,
      );
      override = input.teacher.licenseOverride;
    } else {
      refuse(
        teacher.id,
        `the dataset's teacher ${input.teacher.name} is under ${teacherFacts?.name ?? teacher.id}, whose outputs may not train other models`,
        "train on a dataset made by a teacher whose licence allows it",
      );
    }
  }

  const conditions: string[] = [];
  const attribution = new Set<string>();
  for (const { role, id, facts } of involved) {
    if (id === null) {
      warnings.push(`the ${role}'s licence is unknown: check what it allows before using the student`);
      continue;
    }
    if (facts === undefined) {
      warnings.push(
        `the ${role}'s licence ${id} is not one Alambique knows: read it before using the student`,
      );
      continue;
    }
    if (facts.conditions) conditions.push(`${facts.name} (the ${role}'s): ${facts.conditions}`);
    const rule = RULES[facts.id];
    if (rule === undefined) continue;
    attribution.add(rule.attribution);
    if (rule.namePrefix && !input.name.toLowerCase().startsWith(rule.namePrefix.toLowerCase())) {
      refuse(
        id,
        `the ${role} is under ${facts.name}, which asks that a model built from it have a name beginning with "${rule.namePrefix}"; ${input.name} does not`,
        `name the student ${rule.namePrefix.toLowerCase()}-${input.name}`,
      );
    }
  }
  const baseFacts: LicenseFacts | undefined = involved[0]!.facts;
  return {
    license: {
      id: base.id,
      url: input.base?.licenseUrl ?? baseFacts?.url ?? null,
      conditions,
      attribution: [...attribution],
      override,
    },
    warnings,
  };
}

function norm(id: string): string {
  return findLicense(id)?.id ?? id.trim().toLowerCase();
}
