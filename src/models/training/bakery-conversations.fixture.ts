/**
 * Test fixture: real text the project ships, as chat conversations. Each
 * question and answer of the demo bakery's FAQ (data/demo/knowledge/
 * preguntas-frecuentes.json, Spanish and English, hand-written) becomes one
 * conversation with Lucía's system prompt. The last `validation` of them are
 * held out.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TrainingMessage } from "../../spec/distill.js";

const FAQ = fileURLToPath(new URL("../../../data/demo/knowledge/preguntas-frecuentes.json", import.meta.url));

const SYSTEM: Record<string, string> = {
  es: "Eres Lucía, de la Panadería La Espiga en Ruzafa (Valencia). Responde con amabilidad y brevedad.",
  en: "You are Lucía from Panadería La Espiga in Ruzafa, Valencia. Answer kindly and briefly.",
};

export function bakeryConversations(): { lang: string; messages: TrainingMessage[] }[] {
  const { faq } = JSON.parse(readFileSync(FAQ, "utf8")) as {
    faq: { lang: string; question: string; answer: string }[];
  };
  return faq.map(({ lang, question, answer }) => ({
    lang,
    messages: [
      { role: "system", content: SYSTEM[lang] ?? SYSTEM.en! },
      { role: "user", content: question },
      { role: "assistant", content: answer },
    ],
  }));
}
