import type { z } from "zod";
import { ValidationError, type ValidationIssue } from "../spec/errors.js";
import { formatParam } from "./request-error.js";

/**
 * Validates a request body against its zod schema and returns the parsed
 * value. Throws `ValidationError` (status 400) whose message names the first
 * offending field and whose `issues` carry every path; the error handler turns
 * it into an OpenAI-shaped error with `param`.
 */
export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => mostSpecific(issue, []));
  const first = issues[0];
  const where = first ? formatParam(first.path) : null;
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  const message = first ? `${where ?? "body"}: ${first.message}${more}` : "invalid request body";
  throw new ValidationError(message, issues);
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: unknown;
  errors?: ZodIssueLike[][];
}

/**
 * A union's own issue only says "Invalid input" at the union's path. When one
 * of its branches got further into the value (`stop: [1]` is an array, so the
 * array branch fails at `stop[0]`), that branch's issue says more; when none
 * did, the message lists the types that would have been accepted.
 */
function mostSpecific(issue: ZodIssueLike, prefix: PropertyKey[]): ValidationIssue {
  const path = [...prefix, ...issue.path];
  const branches = issue.code === "invalid_union" ? (issue.errors ?? []) : [];
  const firsts = branches.map((branch) => branch[0]).filter((i): i is ZodIssueLike => i !== undefined);
  const deepest = firsts.reduce<ZodIssueLike | undefined>(
    (best, i) => (best === undefined || i.path.length > best.path.length ? i : best),
    undefined,
  );
  if (deepest && deepest.path.length > 0) return mostSpecific(deepest, path);
  const expected = firsts.map((i) => i.expected).filter((e): e is string => typeof e === "string");
  const message =
    expected.length === firsts.length && expected.length > 0
      ? `Invalid input: expected ${[...new Set(expected)].join(" or ")}`
      : issue.message;
  return { path: path.filter((key): key is string | number => typeof key !== "symbol"), message };
}
