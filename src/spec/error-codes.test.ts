/**
 * The error registry cannot rot (fastify's `test/internals/errors.test.js`
 * habit): every code in `error-codes.ts` is in the README's error table with
 * the same status and meaning, the table has no code the registry lacks, and
 * every code written in src is in the registry. The compiler checks the codes
 * given to an `AlambiqueError`; this scan also sees the error bodies a route
 * writes by hand (the 404 handler, the demo page).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { errorCodes, isErrorCode } from "./error-codes.js";

const root = join(import.meta.dirname, "..", "..");

/** `code:` values in src that are not Alambique error codes, and why. */
const notErrorCodes: Record<string, string> = {
  custom: 'zod\'s issue code, in `ctx.addIssue({ code: "custom", … })`',
};

interface TableRow {
  status: string;
  meaning: string;
  whatToDo: string;
}

/** The rows of the Markdown table under the README's `### Errors`, by code. */
function readmeErrorTable(): Map<string, TableRow> {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf("\n### Errors\n");
  expect(start, "README.md has a `### Errors` section").toBeGreaterThan(0);
  const section = readme.slice(start + 1);
  const end = section.slice(1).search(/\n#{1,3} /);
  const rows = new Map<string, TableRow>();
  for (const line of (end < 0 ? section : section.slice(0, end + 1)).split("\n")) {
    const row = /^\| `([^`]+)` \| (.*) \|$/.exec(line);
    if (!row) continue;
    const cells = row[2]!.split(" | ");
    expect(
      cells,
      `README error table row for ${row[1]}: code | HTTP status | meaning | what to do`,
    ).toHaveLength(3);
    expect(rows.has(row[1]!), `${row[1]} is in the README's error table twice`).toBe(false);
    rows.set(row[1]!, { status: cells[0]!, meaning: cells[1]!, whatToDo: cells[2]! });
  }
  return rows;
}

/** The string literals a `code:` property can take: its value, or the branches of a `?:` / `??` / `||`. */
function literalsOf(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node))
    return literalsOf(node.expression);
  if (ts.isConditionalExpression(node)) return [...literalsOf(node.whenTrue), ...literalsOf(node.whenFalse)];
  if (ts.isBinaryExpression(node)) {
    const kind = node.operatorToken.kind;
    if (kind === ts.SyntaxKind.QuestionQuestionToken || kind === ts.SyntaxKind.BarBarToken)
      return [...literalsOf(node.left), ...literalsOf(node.right)];
  }
  return [];
}

/** Every literal `code: "…"` in src's non-test TypeScript, with where it is. */
function codesWrittenInSrc(): { code: string; where: string }[] {
  const found: { code: string; where: string }[] = [];
  const files = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" }).filter(
    (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
  );
  for (const file of files) {
    const text = readFileSync(join(root, "src", file), "utf8");
    if (!text.includes("code")) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAssignment(node) && node.name.getText(source) === "code") {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        for (const code of literalsOf(node.initializer)) found.push({ code, where: `src/${file}:${line}` });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe("the error code registry", () => {
  it("documents every code in the README's error table, with its status and meaning", () => {
    const table = readmeErrorTable();
    for (const [code, { status, meaning }] of Object.entries(errorCodes)) {
      const expected = `| \`${code}\` | ${status} | ${meaning} | (what to do) |`;
      const row = table.get(code);
      expect(row, `README.md's error table lacks ${code}; add the row ${expected}`).toBeDefined();
      expect(row!.status, `status of ${code} in README.md; expected ${expected}`).toBe(String(status));
      expect(row!.meaning, `meaning of ${code} in README.md; expected ${expected}`).toBe(meaning);
      expect(row!.whatToDo.trim(), `README.md says what to do about ${code}`).not.toBe("");
    }
  });

  it("lists in the README no code the registry does not have", () => {
    const unknown = [...readmeErrorTable().keys()].filter((code) => !isErrorCode(code));
    expect(unknown, "codes in README.md's error table that src/spec/error-codes.ts lacks").toEqual([]);
  });

  it("has every code written in src", () => {
    const written = codesWrittenInSrc();
    // The scan reads what it should: codes the compiler cannot see (error bodies written by hand) are among them.
    expect(written.map((w) => w.code)).toEqual(
      expect.arrayContaining(["unknown_url", "starting", "not_found"]),
    );
    const missing = written.filter(({ code }) => !isErrorCode(code) && !(code in notErrorCodes));
    expect(
      missing.map(({ code, where }) => `${code} (${where})`),
      "codes used in src that src/spec/error-codes.ts (and README.md's table) lack",
    ).toEqual([]);
  });

  it("gives each code an HTTP error status and a one-line meaning", () => {
    for (const [code, { status, meaning }] of Object.entries(errorCodes)) {
      expect(status >= 400 && status <= 599, `${code}: ${status}`).toBe(true);
      expect(meaning, code).toMatch(/^[^\n|]+\.$/);
      expect(code, "codes are snake_case").toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });

  it("tells registry codes from other strings", () => {
    expect(isErrorCode("store_full")).toBe(true);
    expect(isErrorCode("model_crashed")).toBe(false);
    expect(isErrorCode("toString")).toBe(false);
    expect(isErrorCode(404)).toBe(false);
  });
});
