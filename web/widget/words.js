const words = {
  es: {
    open: "Abrir el chat",
    close: "Cerrar el chat",
    placeholder: "Escribe tu mensaje…",
    send: "Enviar",
    failed: "No se pudo enviar el mensaje",
    typing: "Escribiendo…",
    suggestions: "Preguntas frecuentes",
    source: "Fuente",
    sources: "Fuentes",
    rate: "¿Te ha ayudado esta respuesta?",
    helpful: "Me ha ayudado",
    unhelpful: "No me ha ayudado",
    handedOff: "Una persona del equipo te responderá aquí. Puedes seguir escribiendo.",
    personAnswering: "Te está atendiendo una persona del equipo.",
    handedBack: "Vuelves a hablar con el asistente.",
    closed: "La conversación se ha cerrado. Escribe de nuevo para empezar otra.",
    you: "Tú",
  },
  en: {
    open: "Open the chat",
    close: "Close the chat",
    placeholder: "Type your message…",
    send: "Send",
    failed: "The message could not be sent",
    typing: "Typing…",
    suggestions: "Frequent questions",
    source: "Source",
    sources: "Sources",
    rate: "Was this answer helpful?",
    helpful: "Helpful",
    unhelpful: "Not helpful",
    handedOff: "A person from the team will answer here. You can keep writing.",
    personAnswering: "A person from the team is answering you.",
    handedBack: "You're back with the assistant.",
    closed: "The conversation was closed. Write again to start a new one.",
    you: "You",
  },
};

/** The widget's own words in `language` (Spanish or English; English for any other). */
export function wordsFor(language) {
  return language === "es" ? words.es : words.en;
}
