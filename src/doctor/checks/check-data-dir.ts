import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { CheckResult, DoctorInput } from "../doctor-check.js";
import { errorText } from "../doctor-check.js";

/**
 * The data directory is writable, or can be created. Looks without creating:
 * when the folder does not exist yet, the nearest existing parent must be writable.
 */
export async function checkDataDir({ config }: DoctorInput): Promise<CheckResult> {
  const base = { id: "data-dir", title: "data directory" } as const;
  if (config instanceof Error)
    return { ...base, status: "fail", detail: "skipped: the configuration is invalid" };
  const path = config.dataPath;
  let probe = path;
  while (!(await exists(probe)) && dirname(probe) !== probe) probe = dirname(probe);
  try {
    if (!(await stat(probe)).isDirectory()) {
      return {
        ...base,
        status: "fail",
        detail: `${probe} is a file, not a folder`,
        fix: "choose another --data",
      };
    }
    await access(probe, constants.W_OK);
  } catch (error) {
    return {
      ...base,
      status: "fail",
      detail: `${probe} is not writable (${errorText(error)})`,
      fix: "choose a writable folder with --data or ALAMBIQUE_DATA, or fix its permissions",
    };
  }
  return {
    ...base,
    status: "ok",
    detail: probe === path ? `${path} (writable)` : `${path} (will be created on first use)`,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
