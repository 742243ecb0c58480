import type { ResolvedConfig } from "../spec/config.js";

/** `warn` is worth knowing but needs no action (no GPU: models run on the CPU); only `fail` fails doctor. */
export type CheckStatus = "ok" | "warn" | "fail";

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found: a version, a path, the error. */
  detail: string;
  /** How to fix it, when status is not ok. */
  fix?: string;
}

export interface DoctorInput {
  /** The configuration, or the error that loading it raised. */
  config: ResolvedConfig | Error;
  /** Run the slow checks in full, whatever their cost (`doctor --full`): the store's integrity check. */
  full?: boolean;
}

/**
 * One thing doctor looks at. A check never throws: whatever goes wrong is its
 * result. It must not create or change anything (doctor only looks).
 */
export type DoctorCheck = (input: DoctorInput) => Promise<CheckResult | CheckResult[]>;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}
