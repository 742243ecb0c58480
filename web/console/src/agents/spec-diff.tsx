import type { Words } from "../i18n/words.js";
import { differingPaths } from "./spec-issues.js";

/** The value at a dotted path (`handoff.topics`); undefined where the path does not lead. */
function at(value: unknown, path: string): unknown {
  if (path === "(all)") return value;
  return path
    .split(".")
    .reduce<unknown>(
      (v, key) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined),
      value,
    );
}

function show(value: unknown): string {
  if (value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Where two specs differ, field by field, with each side's value: what the
 * owner reads before choosing between their draft and a version saved by
 * someone else (or, once the store keeps them, an older version).
 */
export function SpecDiff(props: {
  before: unknown;
  after: unknown;
  beforeLabel: string;
  afterLabel: string;
  words: Words;
}) {
  const paths = differingPaths(props.before, props.after);
  return (
    <table className="table spec-diff">
      <thead>
        <tr>
          <th>{props.words.diffField}</th>
          <th>{props.beforeLabel}</th>
          <th>{props.afterLabel}</th>
        </tr>
      </thead>
      <tbody>
        {paths.map((path) => (
          <tr key={path}>
            <td>
              <code>{path}</code>
            </td>
            <td className="diff-old">{show(at(props.before, path))}</td>
            <td className="diff-new">{show(at(props.after, path))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
