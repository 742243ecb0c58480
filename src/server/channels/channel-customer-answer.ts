import type { TurnResult } from "../../agents/turn/turn-types.js";
import { sourceDisplayName } from "../../safety/source-display-name.js";
import { customerAnswerText } from "../visitor/customer-answer-text.js";
import { sourceTitle } from "../visitor/source-title.js";

/**
 * An agent's answer as a channel's customer reads it, by the widget's rules:
 * no citation markers or source file lines, and the documents it comes from
 * named by their titles ("Fuente: Envíos a domicilio") when `showSources`.
 */
export function channelCustomerAnswer(result: TurnResult, options: { showSources: boolean }): string {
  const text = customerAnswerText(
    result.text,
    result.citations.map((c) => sourceDisplayName(c.uri)),
  );
  if (!options.showSources || text === "" || result.citations.length === 0) return text;
  const titles = [...new Set(result.citations.map((c) => sourceTitle(c.uri, c.location)))];
  const label =
    result.language === "en"
      ? titles.length > 1
        ? "Sources"
        : "Source"
      : titles.length > 1
        ? "Fuentes"
        : "Fuente";
  return `${text}\n\n_${label}: ${titles.join(", ")}_`;
}
