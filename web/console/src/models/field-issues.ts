import type { z } from "zod";
import en from "zod/v4/locales/en.js";
import es from "zod/v4/locales/es.js";
import type { Locale } from "../i18n/words.js";

const errorMaps = { en: en().localeError, es: es().localeError };

/** A form's problems by field (`name`, `url`): every one at once. */
export type FieldIssues = Map<string, string[]>;

/**
 * Checks a body with the schema the server parses it with, so that the form
 * shows the server's verdict before sending (the server checks again, and
 * what only it can know: the file, the engine, the hub). zod's own messages
 * in the console's language; `jitless`: the console's CSP allows no eval.
 */
export function fieldIssues(schema: z.ZodType, body: unknown, locale: Locale): FieldIssues {
  const result = schema.safeParse(body, { error: errorMaps[locale], jitless: true });
  const issues: FieldIssues = new Map();
  if (result.success) return issues;
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "");
    issues.set(field, [...(issues.get(field) ?? []), issue.message]);
  }
  return issues;
}
