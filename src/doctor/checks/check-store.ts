import { AlambiqueError } from "../../spec/errors.js";
import type { CheckResult, DoctorInput } from "../doctor-check.js";
import { errorText } from "../doctor-check.js";

/**
 * The store is reachable, healthy and at the schema this version expects.
 * Looks only: never creates or migrates. Healthy means SQLite's integrity
 * check passes: in full (every index compared with its table) for a store
 * of up to 64 MiB or with `full`, else its quick form (see `inspectStore`).
 */
export async function checkStore({ config, full }: DoctorInput): Promise<CheckResult | CheckResult[]> {
  const base = { id: "store", title: "store" } as const;
  if (config instanceof Error)
    return { ...base, status: "fail", detail: "skipped: the configuration is invalid" };
  if (/^postgres(ql)?:/i.test(config.storeUrl.trim())) {
    const { checkPostgresStore } = await import("./check-postgres-store.js");
    return checkPostgresStore(config.storeUrl);
  }
  try {
    const { inspectStore } = await import("../../store/index.js");
    const store = await inspectStore(config.storeUrl, { check: full ? "full" : "auto" });
    if (!store.exists) {
      return { ...base, status: "ok", detail: `${config.storeUrl} (will be created on first use)` };
    }
    const file = config.storeUrl;
    if (store.problems.length > 0) {
      const more = store.problems.length > 3 ? ` (and ${store.problems.length - 3} more)` : "";
      return {
        ...base,
        status: "fail",
        detail: `${file}: the ${store.checked === "full" ? "integrity" : "quick"} check found corruption: ${store.problems.slice(0, 3).join("; ")}${more}`,
        fix: `stop Alambique and keep a copy of ${file}; if only indexes are named, \`sqlite3 ${file} REINDEX\` rebuilds them; else restore a backup, or save what is readable with \`sqlite3 ${file} .recover | sqlite3 recovered.db\``,
      };
    }
    const current = store.schemaVersion === store.latestSchemaVersion;
    const checked =
      store.checked === "full"
        ? "integrity check ok"
        : "quick check ok (`doctor --full` compares every index too)";
    return {
      ...base,
      status: current ? "ok" : "warn",
      detail: `${file}: ${store.engine}, schema v${store.schemaVersion}${current ? "" : ` (v${store.latestSchemaVersion} is applied on next start)`}, ${checked}`,
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
