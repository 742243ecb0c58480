import type { CheckResult } from "../doctor-check.js";

/** The oldest Node.js whose APIs and ABI our dependencies are built for. */
export const MIN_NODE = [20, 19] as const;

export async function checkNode(): Promise<CheckResult> {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    id: "node",
    title: "Node.js",
    status: ok ? "ok" : "fail",
    detail: `v${process.versions.node} (${process.platform}-${process.arch})`,
    ...(ok ? {} : { fix: `install Node.js ${MIN_NODE.join(".")} or newer (22 or 24 recommended)` }),
  };
}
