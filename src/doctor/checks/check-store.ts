import type { CheckResult, DoctorInput } from "../doctor-check.js";

export async function checkStore({ config }: DoctorInput): Promise<CheckResult> {
  const base = { id: "store", title: "store" } as const;
  if (config instanceof Error)
    return { ...base, status: "fail", detail: "skipped: the configuration is invalid" };
  return { ...base, status: "warn", detail: `${config.storeUrl}: not checked yet` };
}
