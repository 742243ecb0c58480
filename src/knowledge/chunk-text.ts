import { type ChunkDraft, type ChunkSizes, maxGatherChars } from "./chunk-draft.js";
import { SectionChunker } from "./section-chunker.js";

/**
 * Plain text, cut at paragraphs (blank-line separated). A paragraph that looks
 * like a heading (see `isHeadingLike`) and is followed by an ordinary
 * paragraph becomes the `title` of the chunks after it; two heading-like lines
 * in a row are text (`Teléfono 912 345 678` then `Email …`), so nothing is
 * lost. The location is where the chunk starts, `paragraph N` (1-based,
 * counting every paragraph; a titled chunk starts at its heading).
 *
 * Reads lines as they stream: memory holds one paragraph and one chunk.
 */
export async function* chunkText(
  lines: AsyncIterable<string>,
  sizes?: ChunkSizes,
): AsyncGenerator<ChunkDraft> {
  const chunker = new SectionChunker(sizes);
  let paragraph: string[] = [];
  let gathered = 0;
  let count = 0;
  let heading: { text: string; at: string } | undefined;

  for await (const line of lines) {
    if (line.trim() !== "") {
      paragraph.push(line);
      gathered += line.length + 1;
      // A file without blank lines would otherwise be one paragraph, whole in memory.
      if (gathered <= maxGatherChars) continue;
    }
    yield* take();
  }
  yield* take();
  if (heading) yield* chunker.add(heading.text, { at: heading.at });
  yield* chunker.end();

  function* take(): Generator<ChunkDraft> {
    if (paragraph.length === 0) return;
    const text = paragraph.join("\n");
    const at = `paragraph ${++count}`;
    paragraph = [];
    gathered = 0;
    if (isHeadingLike(text)) {
      if (heading) yield* chunker.add(heading.text, { at: heading.at });
      heading = { text: text.trim(), at };
      return;
    }
    // A chunk under a heading starts at the heading, for citations.
    const start = heading?.at ?? at;
    if (heading) yield* chunker.startSection(heading.text, null);
    heading = undefined;
    yield* chunker.add(text, { at: start });
  }
}

/**
 * One line of at most 80 characters with a letter, not ending like a sentence
 * or clause, and not a `label: value` line.
 */
export function isHeadingLike(text: string): boolean {
  const line = text.trim();
  return (
    !line.includes("\n") &&
    line.length <= 80 &&
    /\p{L}/u.test(line) &&
    !/[.,;!?…]$/u.test(line) &&
    !/:\s*\S/u.test(line)
  );
}
