import { type LoadConfigOptions, loadConfig } from "../config/load-config.js";
import { checkConfig } from "./checks/check-config.js";
import { checkDataDir } from "./checks/check-data-dir.js";
import { checkLlama } from "./checks/check-llama.js";
import { checkNode } from "./checks/check-node.js";
import { checkSqlite } from "./checks/check-sqlite.js";
import { checkStore } from "./checks/check-store.js";
import type { CheckResult, DoctorCheck, DoctorInput } from "./doctor-check.js";

export interface DoctorReport {
  /** False when any check failed; warnings do not count. */
  ok: boolean;
  checks: CheckResult[];
}

/** In the order a person reads them: the platform, the native parts, then this installation's state. */
const checks: DoctorCheck[] = [checkNode, checkConfig, checkSqlite, checkLlama, checkDataDir, checkStore];

/** Looks at everything Alambique needs and changes nothing. `full`: see `DoctorInput.full`. */
export async function runDoctor(options: LoadConfigOptions & { full?: boolean } = {}): Promise<DoctorReport> {
  let config: DoctorInput["config"];
  try {
    config = loadConfig(options);
  } catch (error) {
    config = error instanceof Error ? error : new Error(String(error));
  }
  const results: CheckResult[] = [];
  const full = options.full === true;
  for (const check of checks) results.push(...[await check({ config, full })].flat());
  return { ok: results.every((r) => r.status !== "fail"), checks: results };
}
