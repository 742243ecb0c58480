import type { PiiDetector } from "./pii-detector.js";

/**
 * Street addresses with a house number, Spanish and English, recognised
 * without a model by their fixed frame:
 * - Spanish: a street word, a name, a number, then floor and door and a
 *   postcode if they follow: `Calle Mayor 12, 3ºB`, `C/ Alcalá 45`,
 *   `Avda. de la Constitución 3`, `Plaza de España 5, bajo, 28008`.
 * - English: a number, capitalised name words, a street type, then a UK
 *   postcode if it follows: `221B Baker Street`, `Flat 2, 10 High St, London
 *   SW1A 1AA`.
 *
 * What stays: a street without a number ("¿llegáis a la calle Mayor?"): it
 * names a place, not where someone lives, and the agent needs it to answer
 * about deliveries; a postcode or a city alone (an area of thousands of
 * people); addresses without a street word ("vivo en Mayor 12"), which no
 * pattern tells from an ordinary phrase. A Spanish name typed in lower case
 * is accepted after an unmistakable street word (`calle`, `avda.`, `c/`)
 * when it is one or two words and the number ends the phrase; after a word
 * that is also a common noun (`plaza`, `paseo`, `camino`, `ronda`) the name
 * must be capitalised ("un paseo de 20 minutos" stays). English names must
 * be capitalised: "2 way street" and "3 main roads" are ordinary phrases.
 */
export const spanishAddresses: PiiDetector = {
  kind: "address",
  pattern: spanishPattern(),
  accept: (_candidate, { after, groups }) =>
    isStreetName(groups.name ?? "", groups.weak !== undefined, after),
};

export const englishAddresses: PiiDetector = {
  kind: "address",
  pattern: englishPattern(),
};

/**
 * Space-separated words as an alternation, each in lower case, Capitalised
 * and UPPER CASE: the rest of the pattern is case-sensitive.
 */
function anyCase(words: string): string {
  return words
    .split(" ")
    .flatMap((w) => [w, w.charAt(0).toUpperCase() + w.slice(1), w.toUpperCase()])
    .map((w) => w.replace(/[./]/g, "\\$&"))
    .join("|");
}

function spanishPattern(): RegExp {
  const strong = anyCase(
    "calle avenida carrer avinguda travesía travesia urbanización urbanizacion glorieta callejón bulevar carretera",
  );
  const weak = anyCase("plaza plaça paseo passeig camino ronda pasaje rambla rúa cuesta polígono vía");
  const abbreviation = anyCase(
    "c/ cl. avda. avd. av. ctra. pza. plza. pl. pº p.º cmno. rda. gta. urb. psje. trva. pol.",
  );
  const word = String.raw`[\p{L}'’.-]{1,30}`;
  const side = anyCase("izq. izq izda. izda izquierda dcha. dcha derecha centro");
  // Floor and door: `3ºB`, `3º B`, `2º 1ª`, `3º izq`, `3 izq`, `3B`.
  const storey = String.raw`\d{1,2}(?:[ \t]?[º°ª](?:[A-Za-z]|[ \t](?:[A-Z]|\d{1,2}[º°ª]?|${side}))?|[ \t]{1,3}(?:${side})|[A-Z])`;
  const part = String.raw`(?:${anyCase("piso planta puerta pta. escalera esc. portal bloque blq.")})[ \t]{0,3}[\p{L}\p{N}]{1,3}`;
  const place = anyCase("bajo ático atico entresuelo principal izq. izquierda izda. dcha. derecha");
  const tail = String.raw`(?:[ \t]{0,3}[,-]?[ \t]{0,3}(?:${storey}|${part}|${place}|\d{5})(?![\p{L}\p{N}])){0,4}`;
  return new RegExp(
    String.raw`(?<![\p{L}\p{N}])(?:(?<weak>${weak})[ \t]{1,3}|(?:${strong})[ \t]{1,3}|(?:${abbreviation})[ \t]{0,3})(?<name>${word}(?:[ \t]{1,3}${word}){0,5})[ \t]{0,3},?[ \t]{0,3}(?:\d{1,4}[A-Za-z]?|[Ss]\/[Nn])(?![\p{L}\p{N}])${tail}`,
    "gu",
  );
}

function englishPattern(): RegExp {
  const unit = String.raw`(?:(?:Flat|Apt\.?|Apartment|Unit|Suite)[ \t]{1,3}[\p{L}\p{N}]{1,5},?[ \t]{1,3})?`;
  const type = anyCase(
    "street st road rd avenue ave lane ln drive boulevard blvd terrace mews parkway highway",
  );
  const ukPostcode = String.raw`(?:,?[ \t]{1,3}(?:\p{Lu}\p{L}{1,30},?[ \t]{1,3})?[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}(?![\p{L}\p{N}]))?`;
  return new RegExp(
    String.raw`(?<![\p{L}\p{N}])${unit}\d{1,5}[A-Za-z]?,?[ \t]{1,3}(?:\p{Lu}[\p{L}'’.-]{0,29}[ \t]{1,3}){1,4}(?:${type})\.?(?![\p{L}\p{N}])${ukPostcode}`,
    "gu",
  );
}

/** Words of a street name that carry no meaning of their own, and the number signs before a number. */
const connectors = new Set("de del la las los el d' l' y i dels les san santa sant".split(" "));
const numberSigns = new Set("nº n.º núm núm. número num no.".split(" "));

/** Words no street name is made of: they mean the street word began an ordinary phrase. */
const ordinaryWords = new Set(
  "para por con sin que qué hace hacen hasta desde tiene tienen tengo son es está están estoy hay un una unos unas mi mis tu tus su sus nos me te se le les lo como cuando donde muy más menos pero o u ni ya solo sólo entre sobre tras hacia cada todo todos todas vale cerrada cortada abierta minutos días horas euros personas veces".split(
    " ",
  ),
);

/** What may follow an address whose name was typed in lower case: the end, punctuation, a linking word. */
const endOfAddress =
  /^(?:\s*$|\s*[,.;:!?)\]]|\s+(?:y|e|o|en|de|del|a|al|por|para|con|que|cerca|junto|frente|esquina)(?![\p{L}]))/iu;

function isStreetName(name: string, weakKeyword: boolean, after: string): boolean {
  const words = name.split(/[ \t]+/);
  // "calle de la 5", "a las 5": a name does not end on an article.
  if (connectors.has((words.at(-1) ?? "").toLowerCase())) return false;
  let content = 0;
  let lowerCase = 0;
  for (const word of words) {
    const lower = word.toLowerCase();
    if (ordinaryWords.has(lower)) return false;
    if (connectors.has(lower) || numberSigns.has(lower)) continue;
    content++;
    if (word === lower) lowerCase++;
  }
  if (content === 0) return false;
  if (lowerCase === 0) return true;
  return !weakKeyword && lowerCase <= 2 && endOfAddress.test(after);
}
