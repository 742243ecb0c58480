/**
 * One shape for every tool an agent has (built-in, webhook, MCP), and the one
 * place that turns it into an AI SDK tool. The wrapper keeps the invariants
 * every tool shares, in this order:
 *
 * 1. arguments are validated (and defaults applied) before anything runs;
 * 2. a tool that requires confirmation runs only when `context.confirmed`
 *    says the customer agreed to this exact call; otherwise it returns
 *    `needs_confirmation` (see `confirmation.ts`);
 * 3. in a dry run, a tool with side effects returns a simulated result;
 * 4. whatever the tool throws becomes a `ToolError` result: `execute` never
 *    rejects, so a failing tool never ends the turn.
 */
import type { Tool } from "ai";
import type { AiSdk } from "../../models/ai-sdk.js";
import type { JsonValue } from "../../spec/json.js";
import type { ArgumentsSchema } from "./arguments-schema.js";
import { needsConfirmation } from "./confirmation.js";
import type { ToolContext } from "./tool-context.js";
import { toModelOutput, toolError, toolErrorFrom } from "./tool-result.js";

export interface AgentToolCall {
  toolCallId: string;
  /** Aborted when the turn is cancelled. Tools add their own time limits. */
  signal: AbortSignal | undefined;
}

export interface AgentTool {
  /** As the model sees it: `^[a-zA-Z0-9_-]{1,64}$`. */
  name: string;
  description: string;
  arguments: ArgumentsSchema;
  source: "builtin" | "webhook" | "mcp";
  requiresConfirmation: boolean;
  /** Effects outside the answer (a write, a call out that may change something): simulated in dry runs. */
  sideEffects: boolean;
  /** Runs the call with validated arguments. May throw: the wrapper turns it into a `ToolError`. */
  run(args: JsonValue, call: AgentToolCall): Promise<unknown>;
  /** The dry-run result; absent: a generic one marked `simulated: true`. */
  simulate?(args: JsonValue): unknown;
}

/** What `toAiTool` takes from the AI SDK (imported on first use: see `loadAiSdk`). */
export type AiToolFactories = Pick<AiSdk, "dynamicTool" | "jsonSchema" | "tool">;

/** The AI SDK tool for `agentTool`, bound to this turn's context. */
export function toAiTool(agentTool: AgentTool, context: ToolContext, ai: AiToolFactories): Tool {
  const { dynamicTool, jsonSchema, tool } = ai;
  const definition = {
    description: agentTool.description,
    inputSchema: jsonSchema(agentTool.arguments.jsonSchema),
    metadata: {
      source: agentTool.source,
      requiresConfirmation: agentTool.requiresConfirmation,
      sideEffects: agentTool.sideEffects,
    },
    execute: (input: unknown, options: { toolCallId: string; abortSignal?: AbortSignal }) =>
      executeAgentTool(agentTool, context, input, {
        toolCallId: options.toolCallId,
        signal: options.abortSignal,
      }),
    toModelOutput,
  };
  // Built-ins have fixed schemas; webhook and MCP tools come from configuration
  // at run time, which the AI SDK calls dynamic tools.
  return agentTool.source === "builtin" ? tool(definition) : dynamicTool(definition);
}

/** The wrapper's logic, exported for tests and for `runConfirmedCall`. Never rejects. */
export async function executeAgentTool(
  agentTool: AgentTool,
  context: ToolContext,
  input: unknown,
  call: AgentToolCall,
): Promise<unknown> {
  const { name } = agentTool;
  try {
    const parsed = agentTool.arguments.parse(input);
    if (!parsed.ok) {
      const where = parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
      return toolError(
        "invalid_arguments",
        `the arguments for ${name} are not valid (${where}); nothing was done`,
        {
          issues: parsed.issues,
          hint: "Call the tool again with arguments that match its schema, or ask the customer for what is missing.",
        },
      );
    }
    if (agentTool.requiresConfirmation && !context.confirmed(name, parsed.args)) {
      return needsConfirmation(agentTool, parsed.args);
    }
    if (context.dryRun && agentTool.sideEffects) {
      return (
        agentTool.simulate?.(parsed.args) ?? {
          simulated: true,
          note: `Dry run: ${name} was not really called; treat this as if it had succeeded.`,
        }
      );
    }
    return await agentTool.run(parsed.args, call);
  } catch (thrown) {
    if (call.signal?.aborted) {
      return toolError("cancelled", `${name} was cancelled because the turn was cancelled`, {
        retryable: true,
      });
    }
    return toolErrorFrom(thrown, name);
  }
}
