/**
 * `text` in pieces of at most `max` characters, cut between paragraphs, else
 * between lines, else between words, else anywhere: a long answer goes out as
 * several messages, each within the provider's size rule.
 */
export function splitText(text: string, max: number): string[] {
  if (text.length <= max) return text === "" ? [] : [text];
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut = lastBreak(window, "\n\n") ?? lastBreak(window, "\n") ?? lastBreak(window, " ") ?? max;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== "") pieces.push(rest);
  return pieces.filter((piece) => piece !== "");
}

function lastBreak(window: string, separator: string): number | undefined {
  const at = window.lastIndexOf(separator);
  return at > 0 ? at : undefined;
}
