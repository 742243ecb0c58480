/**
 * Which text search configuration indexes a chunk: Spanish, English, or
 * neither (`simple`: folded and unstemmed). Decided by the commonest function
 * words of each language among the first words of the title and text — a few
 * microseconds, and right for any paragraph of ordinary prose; a chunk too
 * short to tell (a product name) falls to Spanish, the demo business's language.
 * A query is searched under all three (postgres-knowledge-text-search.ts), so
 * a misjudged chunk is still found by the words it shares with a query.
 */
export type TextLanguage = "es" | "en" | "simple";

const spanish = new Set(
  "de la que el en y a los se del las un por con no una su para es al lo como más pero sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros abre tenemos somos son está están hacemos".split(
    " ",
  ),
);
const english = new Set(
  "the of and to in is you that it he was for on are as with his they i at be this have from or one had by but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more go see no way could people my than first been call who its now find long down day did get come made may part we're our every".split(
    " ",
  ),
);
/** Words looked at: enough for any paragraph, bounded for a huge chunk. */
const sampleWords = 400;
const wordPattern = /[\p{L}]+/gu;

export function detectTextLanguage(title: string | null, text: string): TextLanguage {
  let es = 0;
  let en = 0;
  let seen = 0;
  for (const part of [title ?? "", text]) {
    for (const match of part.matchAll(wordPattern)) {
      const word = match[0].toLowerCase();
      if (spanish.has(word)) es += 1;
      if (english.has(word)) en += 1;
      seen += 1;
      if (seen >= sampleWords) break;
    }
  }
  if (es === 0 && en === 0) return seen > 0 && seen <= 3 ? "es" : "simple";
  return en > es ? "en" : "es";
}
