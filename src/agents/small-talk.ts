import { normalizeForMatch } from "./handoff-rules.js";

export type SmallTalk = "greeting" | "thanks" | "goodbye";

/** Each kind's Spanish and English openings (folded, punctuation out). */
const patterns: [SmallTalk, { es: RegExp; en: RegExp }][] = [
  [
    "greeting",
    {
      es: /^(hola|buen[oa]s( dias| tardes| noches)?|que tal|saludos|como estas|como esta|que tal estas)\b/,
      en: /^(hey|hi|hello|good (morning|afternoon|evening|day)|hiya|how are you|greetings)\b/,
    },
  ],
  [
    "thanks",
    {
      es: /^(muchas )?(gracias|genial gracias|perfecto gracias|vale gracias)\b/,
      en: /^(thanks|thank you|thx|ty|great thanks|ok thanks|cheers)\b/,
    },
  ],
  [
    "goodbye",
    { es: /^(adios|hasta (luego|pronto|manana)|chao|nos vemos)\b/, en: /^(bye|goodbye|see you)\b/ },
  ],
];

/** Words that may follow a greeting, thanks or goodbye without making it a question. */
const fillers = new Set(
  (
    "a al todos todas todo el la equipo amigo amiga amigos senor senora que tal muy buenas buenos mucho muchas " +
    "muchisimas de nuevo otra vez igualmente por tu su vuestra ayuda entonces pues vale ok " +
    "you all there everyone guys folks so very much a lot again for your the help then ok okay today doing"
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
  return readSmallTalk(message)?.kind;
}

/**
 * The language a greeting, thanks or goodbye is said in (`es` or `en`), or
 * undefined when the message is not small talk: "good morning" has no other
 * word to tell its language by, and deserves the English greeting.
 */
export function smallTalkLanguage(message: string): "es" | "en" | undefined {
  return readSmallTalk(message)?.language;
}

function readSmallTalk(message: string): { kind: SmallTalk; language: "es" | "en" } | undefined {
  const text = normalizeForMatch(message)
    .replace(/[^\p{L}\p{N} ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  for (const [kind, regexes] of patterns) {
    const language = regexes.es.test(text) ? "es" : regexes.en.test(text) ? "en" : undefined;
    const match = language ? regexes[language].exec(text) : null;
    if (!language || !match) continue;
    const rest = text.slice(match[0].length).split(" ").filter(Boolean);
    const unknown = rest.filter((word) => !fillers.has(word));
    const asks = /[?¿]/.test(message);
    if (unknown.length === 0 || (unknown.length === 1 && rest.length <= 2 && !asks))
      return { kind, language };
    // More small talk after it ("adiós, hasta luego", "gracias, adiós").
    return rest.length > 0 && smallTalk(rest.join(" ")) !== undefined ? { kind, language } : undefined;
  }
  return undefined;
}
