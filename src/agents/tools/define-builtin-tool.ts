/**
 * Built-in tools declare their arguments with zod and get them typed; the
 * model sees the JSON Schema zod derives. Everything else (validation,
 * confirmation, dry runs, errors as results) is `agent-tool.ts`'s.
 */
import type { z } from "zod";
import type { BuiltinToolName } from "../../spec/agent.js";
import type { AgentTool, AgentToolCall } from "./agent-tool.js";
import { type ArgumentsSchema, argumentsSchemaFromZod } from "./arguments-schema.js";

/**
 * Each built-in's arguments, derived once per zod schema: the schemas are
 * module constants, and deriving the JSON Schema (`z.toJSONSchema`) is most of
 * what building a turn's tools cost (about 0.3 ms a tool, bench/agent-turns.ts).
 * Shared by every turn, so frozen.
 */
const derived = new WeakMap<z.ZodType, ArgumentsSchema>();

function argumentsOf(schema: z.ZodType): ArgumentsSchema {
  let found = derived.get(schema);
  if (!found) {
    found = argumentsSchemaFromZod(schema);
    deepFreeze(found.jsonSchema);
    derived.set(schema, Object.freeze(found));
  }
  return found;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}

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
    arguments: argumentsOf(definition.schema),
    source: "builtin",
    requiresConfirmation: false,
    sideEffects: definition.sideEffects,
    // The wrapper only calls these with arguments `schema` has just parsed.
    run: (args, call) => definition.run(args as z.output<S>, call),
    ...(simulate === undefined ? {} : { simulate: (args) => simulate(args as z.output<S>) }),
  };
}
