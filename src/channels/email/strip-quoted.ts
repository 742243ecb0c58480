/**
 * Lines that open the history a mail client quotes under a reply, in English
 * and Spanish: Gmail/Apple ("On … wrote:", "El … escribió:"), Outlook's
 * separators and header blocks ("-----Original Message-----",
 * "-----Mensaje original-----", "From: … Sent: …", "De: … Enviado: …").
 */
const opener = [
  /^(on|el|le|am)\s.{4,300}(wrote|escribió|a écrit|schrieb)\s*:$/i,
  /^-{2,}\s*(original message|mensaje original|forwarded message|mensaje reenviado)\s*-{2,}$/i,
  /^_{8,}$/,
];
const headerBlock = /^\*?(from|de)\s*:\*?\s+\S/i;
const headerBlockNext = /^\*?(sent|enviado|date|fecha|to|para|subject|asunto)\s*:/i;

/**
 * A customer's reply without the quoted history under or between it: what
 * follows the first quote opener is dropped, and `>` lines anywhere. An
 * opener split over two lines ("On Mon, … <ana@x>\nwrote:") is found too.
 * When nothing would be left (everything was quoted) the text is returned
 * whole, so that the agent reads something rather than nothing.
 */
export function stripQuoted(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const joined = `${line} ${lines[i + 1]?.trim() ?? ""}`.trim();
    if (opener.some((re) => re.test(line))) break;
    if (/^(on|el)\s/i.test(line) && opener[0]!.test(joined)) break;
    if (headerBlock.test(line) && lines.slice(i + 1, i + 4).some((next) => headerBlockNext.test(next.trim())))
      break;
    if (line.startsWith(">")) continue;
    kept.push(lines[i]!.trimEnd());
  }
  const result = kept
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return result === "" ? text.trim() : result;
}
