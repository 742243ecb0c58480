import { readFileSync } from "node:fs";

/** `import { a, b as c } from "./file.js";` — the only import the widget's modules may write. */
const importPattern = /^import\s*\{([^}]*)\}\s*from\s*"\.\/([\w-]+\.js)";?[ \t]*$/gm;
/** `export function name`, `export const name`…: the only exports they may write. */
const exportPattern = /^export (?=(?:async\s+)?(?:function\*?|const|let|class)\s+([\w$]+))/gm;

/**
 * The chat widget as one classic script (what a `<script src>` on any page
 * can run), from its ES modules in `dir` (web/widget/), starting at `entry`.
 * Each module becomes a function scope that returns its exports, placed after
 * the modules it imports, and each import a `const { … }` from them: the
 * modules stay small, lintable files and the page gets one request, with no
 * build step or bundler dependency. Only named `import { … } from "./x.js"`
 * and `export function|const|let|class` are understood; anything else
 * (default exports, packages, a cycle) throws, naming the file, so that the
 * widget can never be served half-linked.
 */
export function bundleWidget(dir: URL, entry = "main.js"): string {
  const order: string[] = [];
  const modules = new Map<string, string>();
  const visiting = new Set<string>();

  const visit = (file: string, from: string | undefined): void => {
    if (modules.has(file)) return;
    if (visiting.has(file)) throw new Error(`web/widget: import cycle through ${file} (from ${from})`);
    visiting.add(file);
    const source = readFileSync(new URL(file, dir), "utf8");
    const imports: string[] = [];
    const body = source.replace(importPattern, (_, names: string, dependency: string) => {
      visit(dependency, file);
      const bindings = names
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name !== "")
        .map((name) => name.replace(/^([\w$]+)\s+as\s+([\w$]+)$/, "$1: $2"));
      imports.push(`const { ${bindings.join(", ")} } = ${moduleVariable(dependency)};`);
      return "";
    });
    if (/^\s*import\b/m.test(body)) throw new Error(`web/widget/${file}: only import { … } from "./x.js"`);
    const exported = [...body.matchAll(exportPattern)].map((match) => match[1]!);
    const code = body.replace(exportPattern, "");
    if (/^export\b/m.test(code)) throw new Error(`web/widget/${file}: only export function|const|let|class`);
    modules.set(
      file,
      `const ${moduleVariable(file)} = (() => {\n${imports.join("\n")}\n${code.trim()}\nreturn { ${exported.join(", ")} };\n})();`,
    );
    visiting.delete(file);
    order.push(file);
  };
  visit(entry, undefined);
  return [
    "/* Alambique chat widget: web/widget/*.js as one script (src/server/widget/bundle-widget.ts). */",
    "(() => {",
    '"use strict";',
    ...order.map((file) => `// ${file}\n${modules.get(file)}`),
    "})();",
    "",
  ].join("\n");
}

function moduleVariable(file: string): string {
  return `module_${file.replace(/\.js$/, "").replace(/\W/g, "_")}`;
}
