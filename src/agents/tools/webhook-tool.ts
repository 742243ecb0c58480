/**
 * A webhook tool: an HTTP endpoint of the business (an order system, a
 * booking calendar) described in the agent spec (`WebhookToolSpec`).
 *
 * Arguments are validated against the spec's JSON Schema before any request
 * (`agent-tool.ts`); headers given as `{ secret: NAME }` are looked up at call
 * time and a missing one fails the call before anything is sent. In dry runs
 * GET calls run (they only read); other methods are simulated. The HTTP rules
 * (query string or JSON, time limit, size cap, redirects, errors) are in
 * `webhook-request.ts`.
 */
import type { WebhookToolSpec } from "../../spec/agent.js";
import type { AgentTool } from "./agent-tool.js";
import { type ArgumentsSchema, compileArgumentsSchema } from "./arguments-schema.js";
import { fetchFor } from "./public-network.js";
import { resolveSecretValues } from "./resolve-secret-values.js";
import type { ToolContext } from "./tool-context.js";
import { toolError } from "./tool-result.js";
import { callWebhook } from "./webhook-request.js";

/**
 * Throws `ValidationError` when the spec's `inputSchema` is not an object
 * schema zod can check; `where` names it in the spec (e.g. `tools[1]`).
 */
export function createWebhookTool(
  spec: WebhookToolSpec,
  context: ToolContext,
  where = `tool ${spec.name}`,
): AgentTool {
  const target = new URL(spec.url);
  return {
    name: spec.name,
    description: spec.description,
    arguments: compiledArguments(spec, where),
    source: "webhook",
    requiresConfirmation: spec.requiresConfirmation,
    sideEffects: spec.method !== "GET",
    async run(args, call) {
      const resolved = resolveSecretValues(spec.headers, context.secrets, `the tool ${spec.name}`);
      if (!resolved.ok) return resolved.error;
      const headers = new Headers({
        accept: "application/json, text/plain;q=0.9, */*;q=0.1",
        "user-agent": "alambique",
      });
      for (const [name, value] of Object.entries(resolved.values)) {
        try {
          headers.set(name, value);
        } catch {
          // The value may be a secret: name the header, never the value.
          return toolError(
            "not_configured",
            `the header ${name} of the tool ${spec.name} is not a valid HTTP header`,
            {
              hint: "The agent's owner must fix the header name or its secret's value (no line breaks). Offer a person.",
            },
          );
        }
      }
      return callWebhook(spec, args, headers, call.signal, fetchFor(context.network ?? "any"));
    },
    simulate: () => ({
      status: 200,
      simulated: true,
      note: `Dry run: no ${spec.method} request was sent to ${target.host}; treat it as if it had succeeded.`,
    }),
  };
}

/**
 * A frozen input schema (the runtime's specs are deep-frozen, see
 * `AgentSpecCache`) cannot change, so it is compiled once and its checker
 * shared by every turn; any other is compiled each time. Failures are not
 * kept: they throw, naming `where`, every time.
 */
const compiled = new WeakMap<object, ArgumentsSchema>();

function compiledArguments(spec: WebhookToolSpec, where: string): ArgumentsSchema {
  const schema = spec.inputSchema;
  const known = compiled.get(schema);
  if (known) return known;
  const fresh = compileArgumentsSchema(schema, `${where}.inputSchema`);
  if (Object.isFrozen(schema)) compiled.set(schema, fresh);
  return fresh;
}
