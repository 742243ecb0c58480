import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as library from "./index.js";

describe("the package's library entry", () => {
  it("exports the runtime, server, store and CLI entry points", () => {
    const { AgentRuntime, loadAgentFile, main, createLlamaCpp, ModelRegistry, createServer } = library;
    for (const [name, value] of Object.entries({
      AgentRuntime,
      loadAgentFile,
      main,
      createLlamaCpp,
      ModelRegistry,
      createServer,
    })) {
      expect(typeof value, name).toBe("function");
    }
    expect(library.agentSpecSchema.safeParse({}).success).toBe(false);
  });

  it("is what package.json's main and exports name (src/index.ts builds to dist/index.js)", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.main).toBe("./dist/index.js");
    expect(pkg.exports["."].import).toBe("./dist/index.js");
    expect(pkg.types).toBe("./dist/index.d.ts");
  });
});
