import { normalizeForMatch } from "./handoff-rules.js";

export type SmallTalk = "greeting" | "thanks" | "goodbye";

const patterns: [SmallTalk, RegExp][] = [
  [
    "greeting",
    /^(hola|buen[oa]s( dias| tardes| noches)?|hey|hi|hello|good (morning|afternoon|evening)|que tal|hiya)\b/,
  ],
  ["thanks", /^(muchas )?(gracias|thanks|thank you|thx|ty|genial,? gracias|perfecto,? gracias)\b/],
  ["goodbye", /^(adios|hasta (luego|pronto|manana)|chao|bye|goodbye|see you)\b/],
];

/**
 * A message that is only a greeting, a thank-you or a goodbye ("hola!",
 * "thanks a lot") — nothing to look up. Longer messages that start with a
 * greeting ("hola, ¿abren el domingo?") are questions and return undefined.
 */
export function smallTalk(message: string): SmallTalk | undefined {
  const text = normalizeForMatch(message)
    .replace(/[^\p{L}\p{N} ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (text.split(" ").length > 5) return undefined;
  return patterns.find(([, regex]) => regex.test(text))?.[0];
}
