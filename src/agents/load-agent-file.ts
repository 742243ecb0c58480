import { dirname, isAbsolute, resolve } from "node:path";
import { readYamlFile } from "../config/read-yaml-file.js";
import { type AgentSpec, agentSpecSchema } from "../spec/agent.js";

export interface LoadedAgentFile {
  spec: AgentSpec;
  file: string;
  /** `spec.knowledge` resolved against the file's folder. */
  knowledgePaths: string[];
}

/**
 * Reads an agent spec from YAML or JSON. Throws ConfigError with the file,
 * line, column and key path of the first problem.
 */
export function loadAgentFile(path: string, cwd = process.cwd()): LoadedAgentFile {
  const file = resolve(cwd, path);
  const spec = readYamlFile(file, agentSpecSchema, {
    topLevel: "an agent (name, persona, languages, model, knowledge, tools, …)",
    hint: "see data/demo/agent.yaml for a complete example",
  });
  const base = dirname(file);
  return { spec, file, knowledgePaths: spec.knowledge.map((p) => (isAbsolute(p) ? p : resolve(base, p))) };
}
