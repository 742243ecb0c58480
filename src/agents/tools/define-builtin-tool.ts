/**
 * Built-in tools declare their arguments with zod and get them typed; the
 * model sees the JSON Schema zod derives. Everything else (validation,
 * confirmation, dry runs, errors as results) is `agent-tool.ts`'s.
 */
import type { z } from "zod";
import type { BuiltinToolName } from "../../spec/agent.js";
import type { AgentTool, AgentToolCall } from "./agent-tool.js";
import { argumentsSchemaFromZod } from "./arguments-schema.js";

export function defineBuiltinTool<S extends z.ZodType>(definition: {
  name: BuiltinToolName;
  description: string;
  schema: S;
  sideEffects: boolean;
  run(args: z.output<S>, call: AgentToolCall): Promise<unknown>;
  simulate?(args: z.output<S>): unknown;
}): AgentTool {
  const { simulate } = definition;
  return {
    name: definition.name,
    description: definition.description,
    arguments: argumentsSchemaFromZod(definition.schema),
    source: "builtin",
    requiresConfirmation: false,
    sideEffects: definition.sideEffects,
    // The wrapper only calls these with arguments `schema` has just parsed.
    run: (args, call) => definition.run(args as z.output<S>, call),
    ...(simulate === undefined ? {} : { simulate: (args) => simulate(args as z.output<S>) }),
  };
}
