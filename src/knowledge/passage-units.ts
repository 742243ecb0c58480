import { words } from "./fold-text.js";

/** One piece of a passage that can be read alone: a sentence, a list item, or a table row with its header. */
export interface PassageUnit {
  /** As shown: a table row as "Domingo: 8:00 – 14:30" or "Zona 3 — Precio: 5,00 €; …". */
  text: string;
  /** Folded words it is matched by (a row's with its header's). */
  words: Set<string>;
  /** Units of one paragraph, list or table share a block; a sentence is joined to its block's neighbours with a space. */
  block: number;
  kind: "sentence" | "item" | "row";
}

const separatorRow = /^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$/;
const listItem = /^\s*([-*•]|\d+[.)])\s+/;
const sentenceEnd = /(?<=[.!?…])\s+(?=[¿¡"«(]?[\p{Lu}\d])/u;

function cells(line: string): string[] | undefined {
  const trimmed = line.trim();
  if (!trimmed.includes("|")) return undefined;
  const parts = trimmed.replace(/^\|/, "").replace(/\|$/, "").split("|");
  return parts.length >= 2 ? parts.map((cell) => cell.trim()) : undefined;
}

/** A table row read aloud: the first cell, then each other cell under its header. */
function readRow(row: string[], header: string[]): string {
  if (row.length === 2) return `${row[0]}: ${row[1]}`;
  const rest = row.slice(1).map((cell, i) => (header[i + 1] ? `${header[i + 1]}: ${cell}` : cell));
  return `${row[0]} — ${rest.join("; ")}`;
}

/**
 * A passage (a chunk's text: Markdown, text, or HTML as the chunker writes
 * it) cut into units: table rows (Markdown pipes or `a | b | c` lines, the
 * first row of a table being its header), list items, and the sentences of
 * other lines, hard-wrapped lines joined first. Markdown bold and italics
 * marks are dropped.
 */
export function passageUnits(text: string): PassageUnit[] {
  const units: PassageUnit[] = [];
  let block = 0;
  let paragraph: string[] = [];
  let header: string[] | undefined;
  const flush = () => {
    const joined = paragraph.join(" ").replace(/\s+/g, " ").trim();
    paragraph = [];
    if (joined === "") return;
    block++;
    for (const sentence of joined.split(sentenceEnd)) {
      if (sentence.trim() !== "") units.push(unit(sentence.trim(), "sentence", block));
    }
  };
  const unit = (shown: string, kind: PassageUnit["kind"], at: number, extra = ""): PassageUnit => ({
    text: shown,
    words: new Set(words(`${shown} ${extra}`)),
    block: at,
    kind,
  });
  for (const raw of text.replace(/\*\*|__/g, "").split("\n")) {
    const line = raw.trimEnd();
    const row = cells(line);
    if (row) {
      flush();
      if (separatorRow.test(line.trim())) continue;
      if (!header) {
        header = row;
        block++;
        continue;
      }
      units.push(unit(readRow(row, header), "row", block, header.join(" ")));
      continue;
    }
    header = undefined;
    if (line.trim() === "") {
      flush();
    } else if (listItem.test(line)) {
      const continues = paragraph.length === 0 && units.at(-1)?.kind === "item";
      flush();
      if (!continues) block++;
      units.push(unit(line.trim(), "item", block));
    } else if (/^\s+\S/.test(line) && units.at(-1)?.kind === "item" && paragraph.length === 0) {
      // A list item's wrapped continuation.
      const last = units.pop()!;
      units.push(unit(`${last.text} ${line.trim()}`, "item", last.block));
    } else {
      paragraph.push(line.trim());
    }
  }
  flush();
  return units;
}
