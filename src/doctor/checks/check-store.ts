import { AlambiqueError } from "../../spec/errors.js";
import type { CheckResult, DoctorInput } from "../doctor-check.js";
import { errorText } from "../doctor-check.js";

/** The store is reachable, healthy and at the schema this version expects. Looks only: never creates or migrates. */
export async function checkStore({ config }: DoctorInput): Promise<CheckResult> {
  const base = { id: "store", title: "store" } as const;
  if (config instanceof Error)
    return { ...base, status: "fail", detail: "skipped: the configuration is invalid" };
  try {
    const { inspectStore } = await import("../../store/index.js");
    const store = await inspectStore(config.storeUrl);
    if (!store.exists) {
      return { ...base, status: "ok", detail: `${config.storeUrl} (will be created on first use)` };
    }
    if (store.problems.length > 0) {
      return {
        ...base,
        status: "fail",
        detail: `${config.storeUrl}: integrity problems: ${store.problems.slice(0, 3).join("; ")}`,
        fix: "restore the file from a backup; `sqlite3 FILE .recover` can save what is readable",
      };
    }
    const current = store.schemaVersion === store.latestSchemaVersion;
    return {
      ...base,
      status: current ? "ok" : "warn",
      detail: `${config.storeUrl}: ${store.engine}, schema v${store.schemaVersion}${current ? "" : ` (v${store.latestSchemaVersion} is applied on next start)`}`,
      ...(current ? {} : { fix: "nothing to do: migrations run when Alambique next opens the store" }),
    };
  } catch (error) {
    return {
      ...base,
      status: "fail",
      detail: errorText(error),
      fix:
        AlambiqueError.isInstance(error) && error.hint
          ? error.hint
          : "check the store URL (DATABASE_URL, store.url)",
    };
  }
}
