/**
 * Guesses whether a customer wrote Spanish or English (or another of the
 * agent's languages, falling back to its first) from function words and
 * Spanish-only characters. Short messages are ambiguous ("ok"): then the
 * conversation's previous language wins. No model call: this runs on every turn.
 */
const markers: Record<string, string[]> = {
  es: [
    "el",
    "la",
    "los",
    "las",
    "de",
    "que",
    "y",
    "en",
    "un",
    "una",
    "por",
    "para",
    "con",
    "es",
    "hola",
    "quiero",
    "tienen",
    "hay",
    "cuanto",
    "cuánto",
    "donde",
    "dónde",
    "cuando",
    "cuándo",
    "como",
    "cómo",
    "gracias",
    "precio",
    "abren",
    "pedido",
    "puedo",
    "mi",
    "su",
    "del",
    "al",
    "sin",
    "buenos",
    "buenas",
    "tarta",
    "pan",
  ],
  en: [
    "the",
    "a",
    "an",
    "of",
    "and",
    "to",
    "in",
    "is",
    "are",
    "do",
    "does",
    "you",
    "your",
    "i",
    "my",
    "what",
    "when",
    "where",
    "how",
    "can",
    "hello",
    "hi",
    "thanks",
    "please",
    "price",
    "open",
    "order",
    "have",
    "with",
    "without",
    "for",
    "u",
    "deliver",
    "cake",
    "bread",
  ],
};

export function detectLanguage(text: string, languages: string[], previous?: string): string {
  const fallback = previous && languages.includes(previous) ? previous : (languages[0] ?? "en");
  const words = text.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  const scores = new Map<string, number>();
  for (const language of languages) {
    const set = new Set(markers[language] ?? []);
    scores.set(language, words.filter((w) => set.has(w)).length);
  }
  if (languages.includes("es") && /[¿¡ñ]|[áéíóú]/i.test(text)) scores.set("es", (scores.get("es") ?? 0) + 2);
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] === 0 || (second && second[1] === best[1])) return fallback;
  return best[0];
}
