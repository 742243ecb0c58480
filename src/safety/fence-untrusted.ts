import { detectInjection } from "./detect-injection.js";

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

/** Whether `text` tries to give the assistant orders (see `detectInjection`); used to flag, not block, messages. */
export function looksLikeInjection(text: string): boolean {
  return detectInjection(text) !== undefined;
}
