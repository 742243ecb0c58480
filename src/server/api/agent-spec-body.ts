import { z } from "zod";
import { checkAgentTools } from "../../agents/index.js";
import { parseYamlText } from "../../config/read-yaml-file.js";
import { type AgentSpec, agentSpecSchema } from "../../spec/agent.js";
import { ConfigError, ValidationError } from "../../spec/errors.js";
import { parseBody } from "../parse-body.js";
import { formatParam, RequestError } from "../request-error.js";

/** The content types under which `PUT /api/agents/:name` takes YAML; their bodies arrive as text. */
export const yamlContentTypes = ["application/yaml", "application/x-yaml", "text/yaml"] as const;

const what = {
  topLevel: "an agent spec (name, persona, languages, model, tools, …)",
  hint: "see data/demo/agent.yaml for a complete example",
};
const anyMapping = z.record(z.string(), z.unknown());

/**
 * The agent spec of a `PUT /api/agents/:name` body: a JSON object, or YAML
 * text (which arrives as a string). `name` may be left out (the URL's is
 * taken) but may not differ from the URL's.
 *
 * Throws 400: `invalid_yaml` with the line and column of broken YAML, or when
 * its aliases expand too far (an alias bomb); a ValidationError whose `param`
 * is the path of the first problem in the spec (`tools[0].url`), and whose
 * message, for YAML, also has its line; the same for a tool whose schema
 * `checkAgentTools` refuses (`tools[0].inputSchema.properties.a.type`).
 */
export function readAgentSpecBody(body: unknown, name: string): AgentSpec {
  const yaml = typeof body === "string" ? body : undefined;
  let raw: unknown = body;
  if (yaml !== undefined) {
    try {
      raw = parseYamlText(yaml, "agent spec", anyMapping, what);
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      throw new RequestError(error.message, { code: "invalid_yaml", hint: error.hint, cause: error });
    }
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new RequestError(
      "send the agent spec as a JSON object, or as YAML with Content-Type: application/yaml",
      {
        code: "invalid_request",
      },
    );
  }
  const spec = { ...(raw as Record<string, unknown>) };
  const named = spec.name !== undefined;
  if (!named) spec.name = name;
  else if (spec.name !== name) {
    throw new RequestError(`the spec's name (${JSON.stringify(spec.name)}) is not the URL's (${name})`, {
      code: "invalid_request",
      param: "name",
    });
  }
  let parsed: AgentSpec;
  try {
    refuseUnknownKeys(spec);
    parsed = parseBody(agentSpecSchema, spec);
  } catch (error) {
    // Without its own name the YAML reader would first complain of that: keep zod's wording then.
    if (yaml === undefined || !named || !ValidationError.isInstance(error)) throw error;
    throw new ValidationError(positioned(yaml) ?? error.message, error.issues);
  }
  refuseBrokenTools(parsed);
  return parsed;
}

/**
 * A tool schema that is not a JSON Schema, or has a pattern the linear-time
 * engine cannot take, would break every turn of the agent: refused here, with
 * the path of the problem (`tools[0].inputSchema.properties.code.pattern`).
 */
function refuseBrokenTools(spec: AgentSpec): void {
  const issues = checkAgentTools(spec, { saving: true });
  const first = issues[0];
  if (!first) return;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  throw new ValidationError(`${formatParam(first.path)}: ${first.message}${more}`, issues);
}

/**
 * zod reports an unknown key at the object that has it; a client needs the
 * key itself in `param` (`tools[0].urll`), as the YAML reader names it.
 */
function refuseUnknownKeys(spec: Record<string, unknown>): void {
  const result = agentSpecSchema.safeParse(spec);
  const issue = result.success ? undefined : result.error.issues[0];
  if (issue?.code !== "unrecognized_keys") return;
  const path = [...issue.path, issue.keys[0] ?? ""].filter(
    (k): k is string | number => typeof k !== "symbol",
  );
  const param = formatParam(path) ?? "body";
  throw new ValidationError(`${param}: unknown key ${JSON.stringify(issue.keys[0])}`, [
    { path, message: `unknown key` },
  ]);
}

/** The same problem as the YAML reader words it: with its line and column. */
function positioned(yaml: string): string | undefined {
  try {
    parseYamlText(yaml, "agent spec", agentSpecSchema, what);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.message;
  }
  return undefined;
}
