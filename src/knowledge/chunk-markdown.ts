import { type ChunkDraft, type ChunkSizes, maxGatherChars } from "./chunk-draft.js";
import { HeadingPath } from "./heading-path.js";
import { SectionChunker } from "./section-chunker.js";

const atxHeading = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const fenceOpen = /^ {0,3}(`{3,}|~{3,})/;
const setextH1 = /^ {0,3}=+[ \t]*$/;
const setextH2 = /^ {0,3}-+[ \t]*$/;
const thematicBreak = /^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$/;

/**
 * Markdown, cut by headings: every chunk's `title` and `location` are its
 * heading path (`Horarios > Verano`); text before the first heading is at
 * `start`. Paragraphs (blank-line separated), lists and tables stay whole
 * unless a section outgrows a chunk; code fences are atomic (see
 * `ChunkSizes.atomicMax`) and headings inside them are code, not headings.
 * YAML front matter (`---` … `---` on the first lines) is left out.
 *
 * Reads lines as they stream: memory holds one paragraph and one chunk.
 */
export async function* chunkMarkdown(
  lines: AsyncIterable<string>,
  sizes?: ChunkSizes,
): AsyncGenerator<ChunkDraft> {
  const chunker = new SectionChunker(sizes);
  const headings = new HeadingPath();
  let paragraph: string[] = [];
  let gathered = 0;
  let fence: { marker: string; lines: string[]; chars: number } | undefined;
  let lineNumber = 0;
  let inFrontMatter = false;

  const flushParagraph = (): ChunkDraft[] => {
    const text = paragraph.join("\n");
    paragraph = [];
    gathered = 0;
    return chunker.add(text);
  };
  const heading = (level: number, text: string): ChunkDraft[] => {
    const out = flushParagraph();
    const path = headings.enter(level, cleanInline(text));
    out.push(...chunker.startSection(path, path));
    return out;
  };

  for await (const line of lines) {
    lineNumber++;
    if (lineNumber === 1 && /^---[ \t]*$/.test(line)) {
      inFrontMatter = true;
      continue;
    }
    if (inFrontMatter) {
      if (/^(---|\.\.\.)[ \t]*$/.test(line)) inFrontMatter = false;
      continue;
    }
    if (fence) {
      fence.lines.push(line);
      fence.chars += line.length + 1;
      const close = fenceOpen.exec(line)?.[1];
      if (
        close !== undefined &&
        close[0] === fence.marker[0] &&
        close.length >= fence.marker.length &&
        line.trim() === close
      ) {
        yield* chunker.add(fence.lines.join("\n"), { atomic: true });
        fence = undefined;
      } else if (fence.chars > maxGatherChars) {
        // Past atomicMax anyway: it would be cut at lines, so hand it on in parts.
        yield* chunker.add(fence.lines.join("\n"), { atomic: true });
        fence.lines = [];
        fence.chars = 0;
      }
      continue;
    }
    const open = fenceOpen.exec(line);
    if (open?.[1] && !(open[1][0] === "`" && line.slice(open[0].length).includes("`"))) {
      yield* flushParagraph();
      fence = { marker: open[1], lines: [line], chars: line.length };
      continue;
    }
    const atx = atxHeading.exec(line);
    if (atx?.[1]) {
      yield* heading(atx[1].length, atx[2] ?? "");
      continue;
    }
    if (paragraph.length === 1 && (setextH1.test(line) || setextH2.test(line))) {
      const text = paragraph[0] ?? "";
      paragraph = [];
      yield* heading(setextH1.test(line) ? 1 : 2, text);
      continue;
    }
    if (line.trim() === "" || thematicBreak.test(line)) {
      yield* flushParagraph();
      continue;
    }
    paragraph.push(line);
    gathered += line.length + 1;
    if (gathered > maxGatherChars) yield* flushParagraph();
  }
  // An unclosed fence runs to the end of the document, as in CommonMark.
  if (fence) yield* chunker.add(fence.lines.join("\n"), { atomic: true });
  yield* flushParagraph();
  yield* chunker.end();
}

/** Heading text without inline Markdown: links keep their text, emphasis and code marks go. */
export function cleanInline(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1/g, "$2")
    .trim();
}
