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

/** Words that may follow a greeting, thanks or goodbye without making it a question. */
const fillers = new Set(
  (
    "a al todos todas todo el la equipo amigo amiga amigos senor senora que tal muy buenas buenos mucho muchas " +
    "muchisimas de nuevo otra vez igualmente por tu su vuestra ayuda entonces pues vale ok " +
    "you all there everyone guys folks so very much a lot again for your the help then ok okay"
  ).split(" "),
);

/**
 * A message that is only a greeting, a thank-you or a goodbye ("hola!",
 * "thanks a lot", "muchas gracias por todo") — nothing to look up. One that
 * goes on to say anything else ("hola, ¿abren el domingo?", "thanks but it
 * never arrived") is a question and returns undefined. A single extra word
 * is allowed when nothing is asked ("¡Hola Lucía!": the agent's name).
 */
export function smallTalk(message: string): SmallTalk | undefined {
  const text = normalizeForMatch(message)
    .replace(/[^\p{L}\p{N} ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  for (const [kind, regex] of patterns) {
    const match = regex.exec(text);
    if (!match) continue;
    const rest = text.slice(match[0].length).split(" ").filter(Boolean);
    const unknown = rest.filter((word) => !fillers.has(word));
    const asks = /[?¿]/.test(message);
    if (unknown.length === 0 || (unknown.length === 1 && rest.length <= 2 && !asks)) return kind;
    // More small talk after it ("adiós, hasta luego", "gracias, adiós").
    return rest.length > 0 && smallTalk(rest.join(" ")) !== undefined ? kind : undefined;
  }
  return undefined;
}
