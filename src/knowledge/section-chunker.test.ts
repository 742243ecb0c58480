import { describe, expect, it } from "vitest";
import { defaultChunkSizes } from "./chunk-draft.js";
import { SectionChunker } from "./section-chunker.js";
import { hardSplit, overlapTail, splitSentences } from "./split-long-text.js";

const { min, max } = defaultChunkSizes;

/** A paragraph of about `length` characters made of numbered sentences. */
function paragraph(id: number, length = 300): string {
  let text = "";
  for (let s = 0; text.length < length - 40; s++) text += `Frase ${id}.${s} sobre pan y tartas del obrador. `;
  return text.trim();
}

function chunksOf(blocks: string[], options: { atomic?: boolean } = {}) {
  const chunker = new SectionChunker();
  const out = chunker.startSection("Horarios > Verano", "Horarios > Verano");
  for (const block of blocks) out.push(...chunker.add(block, options));
  out.push(...chunker.end());
  return out;
}

describe("SectionChunker", () => {
  it("packs short paragraphs of a section into one chunk with its title and location", () => {
    const chunks = chunksOf(["Abrimos a las 8.", "Cerramos a las 14."]);
    expect(chunks).toEqual([
      {
        text: "Abrimos a las 8.\n\nCerramos a las 14.",
        title: "Horarios > Verano",
        location: "Horarios > Verano",
        metadata: {},
      },
    ]);
  });

  it("cuts a long section at paragraph boundaries into pieces of min..max characters with an overlap", () => {
    const paragraphs = Array.from({ length: 14 }, (_, i) => paragraph(i));
    const chunks = chunksOf(paragraphs);
    expect(chunks.length).toBeGreaterThan(3);
    for (const [i, chunk] of chunks.entries()) {
      expect(chunk.text.length).toBeLessThanOrEqual(max);
      if (i < chunks.length - 1) expect(chunk.text.length).toBeGreaterThanOrEqual(min);
      if (i > 0) {
        // The piece starts with the end of the previous one, then a whole paragraph.
        const [overlap] = chunk.text.split("\n\n");
        expect(chunks[i - 1]?.text.endsWith(overlap ?? "-")).toBe(true);
        expect(overlap?.length).toBeLessThanOrEqual(defaultChunkSizes.overlap);
      }
    }
    for (const p of paragraphs) expect(chunks.some((c) => c.text.includes(p))).toBe(true);
  });

  it("cuts a paragraph longer than a chunk at sentence ends, losing no sentence", () => {
    const long = paragraph(1, 5000);
    const chunks = chunksOf([long]);
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(max);
      expect(chunk.text).toMatch(/\.$/);
    }
    for (const sentence of splitSentences(long))
      expect(chunks.some((c) => c.text.includes(sentence))).toBe(true);
  });

  it("cuts text without sentences or spaces at the size limit", () => {
    const chunks = chunksOf(["x".repeat(3000)]);
    expect(chunks.map((c) => c.text.length)).toEqual([1200, 1200, 600]);
  });

  it("keeps an atomic block whole up to atomicMax, and cuts a larger one at lines", () => {
    const code = Array.from({ length: 60 }, (_, i) => `line ${i} ${"=".repeat(20)}`).join("\n");
    expect(chunksOf([code], { atomic: true }).map((c) => c.text)).toEqual([code]);
    const huge = Array.from({ length: 200 }, (_, i) => `line ${i} ${"=".repeat(20)}`).join("\n");
    const pieces = chunksOf([huge], { atomic: true });
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((c) => c.text.length <= max && !c.text.startsWith("\n"))).toBe(true);
    expect(pieces.map((c) => c.text).join("\n")).toBe(huge);
  });

  it("uses the first block's position when the section has no location", () => {
    const chunker = new SectionChunker();
    const out = [
      ...chunker.add("Uno.", { at: "paragraph 1" }),
      ...chunker.add("Dos.", { at: "paragraph 2" }),
    ];
    out.push(...chunker.end());
    expect(out).toMatchObject([{ location: "paragraph 1", title: null, text: "Uno.\n\nDos." }]);
  });
});

describe("text cutting tools", () => {
  it("splits sentences after . ! ? and …", () => {
    expect(splitSentences("¿Abrís hoy? Sí. ¡Genial! Vale… gracias")).toEqual([
      "¿Abrís hoy?",
      "Sí.",
      "¡Genial!",
      "Vale…",
      "gracias",
    ]);
  });

  it("hard-splits at the last space of each window", () => {
    expect(hardSplit("aaaa bbbb cccc", 9)).toEqual(["aaaa bbbb", "cccc"]);
  });

  it("takes the overlap from a sentence start, else a word start", () => {
    expect(overlapTail("Primera frase larga. Segunda.", 15)).toBe("Segunda.");
    expect(overlapTail("una dos tres cuatro cinco", 12)).toBe("cuatro cinco");
    expect(overlapTail("una dos tres cuatro cinco", 10)).toBe("cinco");
    expect(overlapTail("texto", 0)).toBe("");
  });
});
