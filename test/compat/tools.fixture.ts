import { z } from "zod";

// What every client of the compatibility suite asks for, in its own syntax.

/** A customer's question the demo bakery's documents answer. */
export const QUESTION = "¿Hacéis envíos a Benimaclet? ¿cuánto cuesta?";
/** What the demo agent in retrieval mode says before quoting its documents. */
export const FROM_DOCUMENTS = "Según nuestros documentos";

export const WEATHER_TOOL = {
  name: "get_weather",
  description: "The forecast for a city.",
  schema: z.object({ city: z.string().max(12), unit: z.enum(["c", "f"]) }),
};
/** The tool's parameters as JSON Schema, for clients that take it raw. */
export const WEATHER_PARAMETERS = {
  ...z.toJSONSchema(WEATHER_TOOL.schema),
  additionalProperties: false,
} as Record<string, unknown>;

export const WEATHER_PROMPT = "What will the weather be in Lisbon?";
/** Enough tokens for a whole `get_weather` call. */
export const WHOLE_CALL_TOKENS = 200;
/** So few tokens that a `get_weather` call is cut short half-way through its arguments. */
export const CUT_CALL_TOKENS = 4;

export const MOOD = z.object({
  mood: z.enum(["happy", "sad"]),
  note: z.string().max(20),
  urgent: z.boolean(),
});
