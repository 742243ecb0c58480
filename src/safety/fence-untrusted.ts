/**
 * Wraps text that must be read as data, never as instructions — retrieved
 * documents, tool results — in a fence the system prompt tells the model
 * about. Any fence markers inside the text are neutralised so a document
 * cannot close the fence and speak as the system ("prompt injection").
 */
export function fenceUntrusted(label: string, text: string): string {
  const safe = text.replace(/<\/?\s*(documents?|data|system|instructions?)[^>]*>/gi, (tag) =>
    tag.replace(/[<>]/g, ""),
  );
  return `<data source="${label.replace(/"/g, "'")}">\n${safe}\n</data>`;
}

/** Phrases that try to give orders; used to flag (not block) documents and messages in the audit trail. */
const injection =
  /\b(ignore|disregard|forget)\b.{0,40}\b(previous|above|prior|all)\b.{0,40}\b(instructions?|rules|prompts?)\b|\b(ignora|olvida)\b.{0,40}\b(instrucciones|reglas)\b|\byou are now\b|\bsystem prompt\b|\bahora eres\b/i;

export function looksLikeInjection(text: string): boolean {
  return injection.test(text);
}
