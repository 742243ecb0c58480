import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

// `npm install` on the oldest Node the README promises must not warn EBADENGINE: every package the lock file
// installs (dev ones included: `npm install` in a clone installs them) must accept that Node. A package that
// does not is pinned to an older version with `overrides` in package.json (cookie, under light-my-request).

const root = new URL("../../", import.meta.url);
const read = (file: string) => JSON.parse(readFileSync(new URL(file, root), "utf8"));

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
  optional?: boolean;
}

describe("the Node.js versions the project supports", () => {
  const pkg = read("package.json") as { engines: { node: string } };
  const minimum = semver.minVersion(pkg.engines.node)!.version;

  it("are the README's", () => {
    const readme = readFileSync(new URL("README.md", root), "utf8");
    expect(minimum).toBe("20.19.0");
    expect(readme).toContain("Node.js 20.19 or newer");
  });

  it("are accepted by every package the lock file installs", () => {
    const lock = read("package-lock.json") as { packages: Record<string, LockedPackage> };
    const refused = Object.entries(lock.packages)
      .filter(([path]) => path !== "")
      .flatMap(([path, locked]) => {
        const range = Array.isArray(locked.engines) ? undefined : locked.engines?.node;
        if (range === undefined || semver.satisfies(minimum, range)) return [];
        return [`${path.replace(/^.*node_modules\//, "")}@${locked.version} wants node ${range}`];
      });
    expect(refused).toEqual([]);
  });
});
