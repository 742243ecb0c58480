import { existsSync } from "node:fs";
import { meansOllamaModel, ollamaWays } from "../models/catalog/ollama-guidance.js";
import type { AgentSpec } from "../spec/agent.js";
import type { ValidationIssue } from "../spec/errors.js";
import type { ModelResolver } from "../spec/models.js";

export interface AgentReferenceContext {
  /** The catalog the spec's models must be in (declared and added models). */
  models: Pick<ModelResolver, "list">;
  /**
   * The spec comes from this machine's operator (the CLI): a path to an
   * existing `.gguf` file counts as a model, and hints may name this
   * machine's files (an Ollama model's GGUF). Never for a spec sent over HTTP.
   */
  local?: boolean;
  /**
   * The spec's `knowledge` entries resolved against its file's folder: each
   * must exist. Absent: not checked (`PUT /api/agents` stores them unread).
   */
  knowledgePaths?: string[];
}

const modelFields = ["model", "fallbackModel", "embeddingModel"] as const;

/**
 * What a valid spec names that does not exist: models that are not in the
 * catalog, knowledge files or folders that are not there. Every problem is
 * returned (none: an empty list), so that one run reports them all; an agent
 * saved with one would fail only when a customer writes.
 */
export async function checkAgentReferences(
  spec: AgentSpec,
  context: AgentReferenceContext,
): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  const named = modelFields.filter((field) => spec[field] !== undefined);
  if (named.length > 0) {
    const catalog = new Set((await context.models.list()).map((m) => m.name));
    const known = catalog.size > 0 ? `the catalog has: ${[...catalog].join(", ")}` : "the catalog is empty";
    for (const field of named) {
      const name = spec[field]!;
      if (catalog.has(name)) continue;
      if (context.local && name.toLowerCase().endsWith(".gguf") && existsSync(name)) continue;
      const ways = [
        `alambique models add ${name} --gguf FILE.gguf | --hf OWNER/REPO/FILE.gguf | --url BASE_URL`,
        ...(context.local && meansOllamaModel(name) ? ollamaWays(name) : []),
      ];
      const retrieval = field === "model" ? " (or leave `model` out: retrieval mode)" : "";
      issues.push({
        path: [field],
        message: `"${name}" is not in the model catalog (${known}); add it${retrieval}:\n    ${ways.join("\n    ")}`,
      });
    }
  }
  for (const [i, path] of (context.knowledgePaths ?? []).entries()) {
    if (existsSync(path)) continue;
    issues.push({
      path: ["knowledge", i],
      message: `"${spec.knowledge[i] ?? path}" does not exist (looked for ${path}); knowledge paths are relative to the agent file`,
    });
  }
  return issues;
}
