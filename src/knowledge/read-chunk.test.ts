import { describe, expect, it } from "vitest";
import { MAX_READ_CHUNKS, readChunk, readChunkCount } from "./read-chunk.js";

describe("readChunk", () => {
  it("reads a chunk once, and again when its title or text is not what was read", () => {
    const chunk = {
      id: "c1",
      title: "Horarios > Horario de verano",
      text: "Abrimos a las **8:00**. Cerramos a las 14:00.",
    };
    const first = readChunk(chunk);
    expect([...first.words]).toContain("verano");
    expect([...first.heading]).toEqual(["horario", "de", "verano"]);
    expect(first.units().map((u) => u.text)).toEqual(["Abrimos a las 8:00.", "Cerramos a las 14:00."]);
    expect(readChunk({ ...chunk })).toBe(first);
    const edited = readChunk({ ...chunk, text: "Abrimos a las 9:00." });
    expect(edited).not.toBe(first);
    expect(edited.words.has("9")).toBe(true);
    expect(edited.words.has("14")).toBe(false);
    const retitled = readChunk({ ...chunk, text: "Abrimos a las 9:00.", title: null });
    expect(retitled.heading.size).toBe(0);
  });

  it("keeps at most MAX_READ_CHUNKS, the least recently read going first", () => {
    const kept = readChunk({ id: "kept", title: null, text: "pan" });
    for (let i = 0; i < MAX_READ_CHUNKS + 10; i++) {
      readChunk({ id: `n${i}`, title: null, text: `texto ${i}` });
      if (i % 1000 === 0) readChunk({ id: "kept", title: null, text: "pan" });
    }
    expect(readChunkCount()).toBe(MAX_READ_CHUNKS);
    expect(readChunk({ id: "n0", title: null, text: "texto 0" }).words.has("0")).toBe(true);
    expect(readChunk({ id: "kept", title: null, text: "pan" })).toBe(kept);
  });
});
