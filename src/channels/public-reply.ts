import { redactPii } from "../safety/redact-pii.js";

/** The longest public reply to a comment, in characters: a reply under a post is a line, not a letter. */
export const PUBLIC_REPLY_MAX_CHARS = 300;

/**
 * Text as a public reply may show it, whoever wrote it (the agent or a
 * person at the desk): personal data masked (`[phone]`, `[email]`…), and at
 * most `maxChars`, cut after a sentence, else between words, with "…".
 */
export function publicReplyText(text: string, maxChars = PUBLIC_REPLY_MAX_CHARS): string {
  const masked = redactPii(text)
    .text.replace(/\s*\n\s*/g, " ")
    .trim();
  if (masked.length <= maxChars) return masked;
  const window = masked.slice(0, maxChars - 1);
  const sentence = Math.max(window.lastIndexOf(". "), window.lastIndexOf("! "), window.lastIndexOf("? "));
  if (sentence > maxChars / 3) return window.slice(0, sentence + 1);
  const word = window.lastIndexOf(" ");
  return `${window.slice(0, word > maxChars / 3 ? word : window.length).trimEnd()}…`;
}

/** What the masking leaves where personal data was (see `redactPii`). */
const maskedPii = /\[(email|phone|card|iban|id_number|social_security|address)\]/;

/** Whether `text` holds personal data, or the marks of data already masked. */
export function holdsPersonalData(text: string): boolean {
  return maskedPii.test(text) || Object.keys(redactPii(text).found).length > 0;
}

/**
 * Words by which a comment asks about something only its author should read
 * (an order, an account, a payment, their address), in Spanish and English:
 * such a question is answered privately, never under the post.
 */
const privateTopics =
  /\b(pedidos?|orders?|compras?|purchases?|facturas?|invoices?|reembolsos?|refunds?|devoluci[oó]n|devoluciones|returns?|cuenta|account|contrase[ñn]a|password|pagos?|payments?|pagu[eé]|paid|tarjeta|card|direcci[oó]n|address|tel[eé]fono|phone|correo|e-?mail|dni|nie|tracking|seguimiento|reserva|booking|privado|private|dm|md)\b/i;

export function asksSomethingPrivate(text: string): boolean {
  return privateTopics.test(text);
}
