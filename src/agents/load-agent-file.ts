import { dirname, isAbsolute, resolve } from "node:path";
import { readYamlFile } from "../config/read-yaml-file.js";
import { type AgentSpec, agentSpecSchema } from "../spec/agent.js";
import { checkAgentTools } from "./tools/check-agent-tools.js";

export interface LoadedAgentFile {
  spec: AgentSpec;
  file: string;
  /** `spec.knowledge` resolved against the file's folder. */
  knowledgePaths: string[];
}

/**
 * The spec as a file must be: valid, and its tools ones a turn can build (a
 * webhook schema that is a JSON Schema, patterns a linear-time engine takes),
 * so that `agents create` refuses what would break every turn.
 */
const agentFileSchema = agentSpecSchema.superRefine((spec, ctx) => {
  for (const issue of checkAgentTools(spec, { saving: true })) ctx.addIssue({ code: "custom", ...issue });
});

/**
 * Reads an agent spec from YAML or JSON. Throws ConfigError with the file,
 * line, column and key path of the first problem (`tools.0.inputSchema.properties.code.pattern`).
 */
export function loadAgentFile(path: string, cwd = process.cwd()): LoadedAgentFile {
  const file = resolve(cwd, path);
  const spec = readYamlFile(file, agentFileSchema, {
    topLevel: "an agent (name, persona, languages, model, knowledge, tools, …)",
    hint: "see data/demo/agent.yaml for a complete example",
  });
  const base = dirname(file);
  return { spec, file, knowledgePaths: spec.knowledge.map((p) => (isAbsolute(p) ? p : resolve(base, p))) };
}
