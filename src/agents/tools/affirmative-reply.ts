/**
 * Whether a customer's reply is a plain "yes" to a confirmation question, in
 * the languages agents serve most (es, en, pt, fr, it, de, ca, nl).
 *
 * Deliberately conservative: a false "yes" runs an order or a booking the
 * customer did not want, while a false "no" only makes the agent ask again.
 * So a reply counts only when it is short (at most 8 words), holds a yes-word,
 * and holds no negation, no "but" and no question mark. "Yes, but make it
 * three" is not a confirmation: the model calls the tool again with the new
 * arguments and the customer is asked again.
 */
const yesWords = new Set([
  // en
  "yes",
  "yeah",
  "yep",
  "yup",
  "sure",
  "ok",
  "okay",
  "okey",
  "k",
  "confirm",
  "confirmed",
  "correct",
  "absolutely",
  "definitely",
  "proceed",
  "agreed",
  // es / ca / pt / it
  "si",
  "sip",
  "claro",
  "vale",
  "dale",
  "adelante",
  "confirmo",
  "confirmado",
  "correcto",
  "perfecto",
  "exacto",
  "venga",
  "sim",
  "certo",
  "pode",
  "confermo",
  "certamente",
  "esatto",
  "daccordo",
  // fr / de / nl
  "oui",
  "ouais",
  "dacord",
  "parfait",
  "ja",
  "jawohl",
  "genau",
  "klar",
  "gerne",
  "bevestig",
  "prima",
  "👍",
  "✅",
  "👌",
]);
const yesPhrases = [
  "go ahead",
  "do it",
  "de acuerdo",
  "por supuesto",
  "por favor hazlo",
  "bien sur",
  "va bene",
  "of course",
  "sounds good",
];
const noWords = new Set([
  "no",
  "not",
  "nope",
  "nah",
  "dont",
  "cancel",
  "stop",
  "wait",
  "never",
  "but",
  "espera",
  "espere",
  "cancela",
  "cancelar",
  "nunca",
  "pero",
  "tampoco",
  "mejor",
  "nao",
  "mas",
  "non",
  "nein",
  "nicht",
  "kein",
  "aber",
  "nee",
  "niet",
  "ma",
  "pas",
  "attends",
  "mais",
  "👎",
  "❌",
]);

export function isAffirmative(reply: string): boolean {
  if (reply.includes("?") || reply.includes("¿")) return false;
  const text = reply
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/['’]/g, "")
    .replace(/[^\p{L}\p{N}\p{Extended_Pictographic}\s]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  const words = text === "" ? [] : text.split(" ");
  if (words.length === 0 || words.length > 8) return false;
  if (words.some((word) => noWords.has(word))) return false;
  return (
    words.some((word) => yesWords.has(word)) ||
    yesPhrases.some((phrase) => ` ${text} `.includes(` ${phrase} `))
  );
}
