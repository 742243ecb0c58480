import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runInNewContext, Script } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { bundleWidget } from "./bundle-widget.js";

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function modules(files: Record<string, string>): URL {
  const dir = mkdtempSync(join(tmpdir(), "alq-widget-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return pathToFileURL(`${dir}/`);
}

describe("bundleWidget", () => {
  it("puts modules in one script, each after what it imports, each in its own scope", () => {
    const dir = modules({
      "main.js":
        'import { greet, name as who } from "./greet.js";\nimport {\n  twice,\n} from "./twice.js";\nresult.push(twice(greet(who)));\n',
      "greet.js":
        'import { twice } from "./twice.js";\nconst hidden = "!";\nexport const name = "Lucía";\nexport function greet(n) {\n  return "hola " + n + hidden + twice("");\n}\n',
      "twice.js": "const hidden = 2;\nexport function twice(text) {\n  return text.repeat(hidden);\n}\n",
    });
    const bundle = bundleWidget(dir);
    expect(bundle.indexOf("// twice.js")).toBeLessThan(bundle.indexOf("// greet.js"));
    expect(bundle.indexOf("// greet.js")).toBeLessThan(bundle.indexOf("// main.js"));
    expect(bundle).not.toMatch(/^\s*(import|export)\b/m);
    const result: string[] = [];
    runInNewContext(bundle, { result });
    expect(result).toEqual(["hola Lucía!hola Lucía!"]);
  });

  it("refuses what it does not understand, naming the file: other imports, default exports, cycles", () => {
    expect(() => bundleWidget(modules({ "main.js": 'import x from "./x.js";\n' }))).toThrow(/main\.js/);
    expect(() => bundleWidget(modules({ "main.js": 'import { z } from "zod";\n' }))).toThrow(/main\.js/);
    expect(() =>
      bundleWidget(modules({ "main.js": 'import { a } from "./a.js";\n', "a.js": "export default 1;\n" })),
    ).toThrow(/a\.js/);
    expect(() =>
      bundleWidget(
        modules({
          "main.js": 'import { a } from "./a.js";\n',
          "a.js": 'import { b } from "./b.js";\nexport const a = 1;\n',
          "b.js": 'import { a } from "./a.js";\nexport const b = 2;\n',
        }),
      ),
    ).toThrow(/cycle/);
  });

  it("bundles the real widget into a script that parses", () => {
    const bundle = bundleWidget(new URL("../../../web/widget/", import.meta.url));
    expect(() => new Script(bundle)).not.toThrow();
    expect(bundle).toContain("data-agent");
  });
});
