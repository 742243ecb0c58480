/**
 * `business_hours`: whether the business is open now, today's hours and the
 * next opening, in the agent's time zone (`spec.businessHours`).
 */
import { z } from "zod";
import type { AgentTool } from "./agent-tool.js";
import { businessHoursAt } from "./business-hours.js";
import { defineBuiltinTool } from "./define-builtin-tool.js";
import type { ToolContext } from "./tool-context.js";
import { toolError } from "./tool-result.js";

/** No arguments; one schema for every turn (see `defineBuiltinTool`). */
const schema = z.object({});

export function businessHoursTool(context: ToolContext): AgentTool {
  return defineBuiltinTool({
    name: "business_hours",
    description:
      "Whether the business is open right now, today's opening hours and when it opens next, in its own time zone.",
    schema,
    sideEffects: false,
    async run() {
      const hours = context.agent.businessHours;
      if (hours === undefined) {
        return toolError("not_configured", "this agent has no business hours configured", {
          hint: "Do not guess opening hours; search the documents or offer to hand over to a person.",
        });
      }
      return businessHoursAt(hours, context.now());
    },
  });
}
