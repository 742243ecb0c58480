/** A citation marker as answers write them: `[S1]`, `[S2, S3]`, `[S1][S2]`, with the space before it. */
const markers = /[ \t]*\[S\d+(?:\s*,\s*S?\d+)*\]/g;

/**
 * An answer's text as the customer reads it: without the citation markers
 * (`[S1]`) that tie it to the passages, and without the line naming its
 * source file (`Fuente: horarios.md (Horarios) [S1]`, which retrieval mode
 * writes for other clients), since the widget names the source by its title
 * instead. A line goes only when it ends in markers and names one of
 * `sourceNames` (the cited files' display names): an answer's own words that
 * cite a passage (`Abrimos a las 8:00 [S1]`) stay, without the marker.
 */
export function customerAnswerText(content: string, sourceNames: readonly string[]): string {
  const lines = content.split("\n").filter((line) => !isSourceLine(line, sourceNames));
  return lines
    .map((line) => line.replace(markers, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function isSourceLine(line: string, sourceNames: readonly string[]): boolean {
  const trimmed = line.trim();
  if (!/\[S\d+[^\]]*\]$/.test(trimmed)) return false;
  const colon = trimmed.indexOf(":");
  if (colon < 0 || colon > 30) return false;
  return sourceNames.some((name) => name !== "" && trimmed.includes(name));
}
