/**
 * Wraps text that must be read as data, never as instructions — retrieved
 * documents, tool results — in a fence the system prompt tells the model
 * about. Every `<` inside the text (and the label) becomes `‹`, so no spelling
 * of a tag (`</data>`, `< /data>`, `</ data >`) can close the fence and speak
 * as the system ("prompt injection"); the label loses quotes and line breaks.
 */
export function fenceUntrusted(label: string, text: string): string {
  const safeLabel = label.replace(/["<>\r\n]/g, " ");
  return `<data source="${safeLabel}">\n${text.replace(/</g, "‹")}\n</data>`;
}

/** Phrases that try to give orders; used to flag (not block) documents and messages in the audit trail. */
const injection =
  /\b(ignore|disregard|forget)\b.{0,40}\b(previous|above|prior|all)\b.{0,40}\b(instructions?|rules|prompts?)\b|\b(ignora|olvida)\b.{0,40}\b(instrucciones|reglas)\b|\byou are now\b|\bsystem prompt\b|\bahora eres\b/i;

export function looksLikeInjection(text: string): boolean {
  return injection.test(text);
}
