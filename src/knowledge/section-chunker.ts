import { type ChunkDraft, type ChunkSizes, defaultChunkSizes } from "./chunk-draft.js";
import { hardSplit, overlapTail, splitSentences } from "./split-long-text.js";

export interface BlockOptions {
  /** Never split (a code fence, a `<pre>`) unless longer than `sizes.atomicMax`. */
  atomic?: boolean;
  /** Where the block is (`paragraph 7`), used as the chunk's location when the section has none. */
  at?: string;
}

/**
 * Turns a stream of sections (a heading, then blocks of text) into chunks.
 * Each section's blocks are packed greedily into pieces of at most
 * `sizes.max` characters, cut at block (paragraph) boundaries; a block longer
 * than that is cut at sentences, then at words. Pieces of one section after
 * the first begin with a short overlap from the previous piece. Every chunk
 * carries its section's title and location.
 *
 * Streaming: memory holds one piece at most, whatever the section's length.
 * Every method returns the chunks completed by that call, in order.
 */
export class SectionChunker {
  #title: string | null = null;
  #location: string | null = null;
  #buffer = "";
  #bufferAt: string | undefined;
  #at: string | undefined;

  constructor(
    private readonly sizes: ChunkSizes = defaultChunkSizes,
    /** Location of chunks in a section without one, from blocks without `at` (text before the first heading). */
    private readonly fallbackLocation = "start",
  ) {}

  /** Ends the current section and starts one; `location` null means "from the blocks' `at`". */
  startSection(title: string | null, location: string | null): ChunkDraft[] {
    const out = this.#flush();
    this.#title = title;
    this.#location = location;
    return out;
  }

  add(text: string, options: BlockOptions = {}): ChunkDraft[] {
    const block = options.atomic ? text.replace(/^\n+|\s+$/g, "") : text.trim();
    if (block === "") return [];
    this.#at = options.at;
    const out: ChunkDraft[] = [];
    if (options.atomic) this.#addAtomic(block, out);
    else this.#addUnit(block, "\n\n", 0, out);
    return out;
  }

  end(): ChunkDraft[] {
    return this.#flush();
  }

  #addAtomic(block: string, out: ChunkDraft[]): void {
    const joined = this.#buffer === "" ? block : `${this.#buffer}\n\n${block}`;
    if (joined.length <= this.sizes.max) {
      this.#set(joined);
      return;
    }
    out.push(...this.#flush());
    const pieces = block.length <= this.sizes.atomicMax ? [block] : splitLines(block, this.sizes.max);
    for (const piece of pieces) out.push(this.#chunk(piece, this.#at));
  }

  /** `level`: 0 a paragraph, 1 a sentence, 2 a hard-cut piece (never cut further). */
  #addUnit(unit: string, separator: string, level: number, out: ChunkDraft[]): void {
    const { max, min, overlap } = this.sizes;
    const joined = this.#buffer === "" ? unit : `${this.#buffer}${separator}${unit}`;
    if (joined.length <= max) {
      this.#set(joined);
      return;
    }
    // Cut a unit that is too long alone; cut a paragraph (not a sentence) to fill a piece that
    // is still short, rather than leave a tiny chunk without the context that follows it.
    const tooLong = unit.length > max;
    if (level < 2 && (tooLong || this.#buffer.length < min / 2)) {
      let parts = level === 0 ? splitSentences(unit) : hardSplit(unit, max);
      let partLevel = level + 1;
      if (parts.length === 1 && level === 0 && tooLong) {
        parts = hardSplit(unit, max);
        partLevel = 2;
      }
      if (parts.length > 1) {
        parts.forEach((part, i) => {
          this.#addUnit(part, i === 0 ? separator : " ", partLevel, out);
        });
        return;
      }
    }
    const tail = overlapTail(this.#buffer, overlap);
    out.push(...this.#flush());
    const next = tail === "" ? unit : `${tail}${separator}${unit}`;
    this.#set(next.length <= max ? next : unit);
  }

  #set(buffer: string): void {
    if (this.#buffer === "") this.#bufferAt = this.#at;
    this.#buffer = buffer;
  }

  #flush(): ChunkDraft[] {
    if (this.#buffer === "") return [];
    const chunk = this.#chunk(this.#buffer, this.#bufferAt);
    this.#buffer = "";
    return [chunk];
  }

  #chunk(text: string, at: string | undefined): ChunkDraft {
    return {
      text,
      title: this.#title,
      location: this.#location ?? at ?? this.fallbackLocation,
      metadata: {},
    };
  }
}

/** An over-long atomic block cut at line boundaries (a line longer than `max` is cut at words). */
function splitLines(block: string, max: number): string[] {
  const pieces: string[] = [];
  let piece = "";
  for (const line of block.split("\n").flatMap((l) => (l.length > max ? hardSplit(l, max) : [l]))) {
    if (piece !== "" && piece.length + 1 + line.length > max) {
      pieces.push(piece);
      piece = "";
    }
    piece = piece === "" ? line : `${piece}\n${line}`;
  }
  if (piece.trim() !== "") pieces.push(piece);
  return pieces;
}
