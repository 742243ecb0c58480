import en from "zod/v4/locales/en.js";
import es from "zod/v4/locales/es.js";
import { agentSpecSchema } from "../../../../src/spec/agent.js";
import type { Locale } from "../i18n/words.js";

const errorMaps = { en: en().localeError, es: es().localeError };

/** The problems of a draft spec, by field path (`languages.0`, `handoff.topics`): all at once. */
export type SpecIssues = Map<string, string[]>;

/**
 * Checks a draft with the very schema the server parses agent specs with
 * (src/spec/agent.ts), so the form shows the server's verdict before saving.
 * (The server also checks what only it knows: that models are in its catalog,
 * tool schemas, who may use MCP over stdio.) zod's own messages are in the
 * console's language; the schema's custom ones stay as written. `jitless`:
 * the console's CSP allows no eval, which zod's fast path would try.
 */
export function specIssues(draft: unknown, locale: Locale): SpecIssues {
  const result = agentSpecSchema.safeParse(draft, { error: errorMaps[locale], jitless: true });
  const issues: SpecIssues = new Map();
  if (result.success) return issues;
  for (const issue of result.error.issues) {
    const path = [...issue.path, ...(issue.code === "unrecognized_keys" ? [issue.keys[0] ?? ""] : [])]
      .map(String)
      .join(".");
    issues.set(path, [...(issues.get(path) ?? []), issue.message]);
  }
  return issues;
}

/** The messages for a field and everything under it (`languages` also gets `languages.1`'s). */
export function issuesAt(issues: SpecIssues, field: string): string[] {
  return [...issues].filter(([path]) => path === field || path.startsWith(`${field}.`)).flatMap(([, m]) => m);
}

/** The paths where two specs differ (`persona`, `handoff.topics`), for "someone else changed it". */
export function differingPaths(a: unknown, b: unknown, prefix = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(a) || !isObject(b)) return [prefix || "(all)"];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => differingPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
}
