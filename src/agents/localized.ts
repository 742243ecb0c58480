/** A text per language, or one text for all. */
export type Localized = string | Record<string, string>;

/** The text for `language`, else English, else the first one given. */
export function pick(text: Localized | undefined, language: string, fallback: Localized): string {
  const value = text ?? fallback;
  if (typeof value === "string") return value;
  return value[language] ?? value.en ?? Object.values(value)[0] ?? pick(fallback, language, "");
}

/** What the runtime itself says, when the agent's spec does not say it. */
export const phrases = {
  fromDocuments: { es: "Según nuestros documentos:", en: "From our documents:" },
  notFound: {
    es: "No he encontrado eso en nuestros documentos. ¿Puedes decirlo de otra forma? Si prefieres, te paso con una persona.",
    en: "I couldn't find that in our documents. Could you put it another way? If you prefer, I can pass you to a person.",
  },
  handoff: {
    es: "Te paso con una persona del equipo; te responderá aquí mismo en cuanto pueda.",
    en: "I'm passing you to a person on our team; they'll reply right here as soon as they can.",
  },
  waitingHuman: {
    es: "Una persona del equipo te responderá aquí en breve.",
    en: "A person from our team will reply here shortly.",
  },
  refusal: {
    es: "Solo puedo ayudarte con temas de nuestro negocio. ¿En qué más te puedo ayudar?",
    en: "I can only help with questions about our business. What else can I help you with?",
  },
  confirm: {
    es: "Para confirmar, esto es lo que haré si respondes «sí»:",
    en: 'To confirm, this is what I will do if you reply "yes":',
  },
  tooLong: {
    es: "Tu mensaje es demasiado largo para mí. ¿Puedes resumir tu pregunta en unas líneas?",
    en: "Your message is too long for me. Could you sum up your question in a few lines?",
  },
  source: { es: "Fuente", en: "Source" },
  greeting: { es: "¡Hola! ¿En qué te puedo ayudar?", en: "Hi! How can I help you?" },
  thanks: {
    es: "¡De nada! ¿Algo más en lo que te pueda ayudar?",
    en: "You're welcome! Anything else I can help with?",
  },
  goodbye: { es: "¡Hasta pronto!", en: "See you soon!" },
} satisfies Record<string, Record<string, string>>;
