import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectLanguage } from "../../safety/detect-language.js";
import { chunkLanguage, chunkLanguageCount, MAX_KEPT_CHUNKS } from "./chunk-language.js";

describe("chunkLanguage", () => {
  const folder = join(import.meta.dirname, "../../../data/demo/knowledge");
  const chunks = readdirSync(folder).flatMap((name) =>
    readFileSync(join(folder, name), "utf8")
      .split(/\n{2,}/)
      .map((text, i) => ({ id: `${name}#${i}`, title: i % 2 === 0 ? name : null, text })),
  );

  it("answers as detectLanguage over the chunk's title and text, for each language set and previous language, kept or not", () => {
    expect(chunks.length).toBeGreaterThan(50);
    for (const pass of [1, 2]) {
      for (const chunk of chunks) {
        for (const [languages, previous] of [
          [["es", "en"], "es"],
          [["es", "en"], "en"],
          [["en"], "en"],
        ] as const) {
          expect(chunkLanguage(chunk, [...languages], previous), `${pass} ${chunk.id}`).toBe(
            detectLanguage(`${chunk.title ?? ""}\n${chunk.text}`, [...languages], previous),
          );
        }
      }
    }
  });

  it("judges a chunk again when its text or title is not the one it was judged from", () => {
    const chunk = { id: "changing", title: null, text: "¿A qué hora abre la panadería los domingos?" };
    expect(chunkLanguage(chunk, ["es", "en"], "en")).toBe("es");
    expect(
      chunkLanguage({ ...chunk, text: "What time does the bakery open on Sundays?" }, ["es", "en"], "en"),
    ).toBe("en");
    expect(chunkLanguage({ ...chunk, title: "¿Qué días abrís?", text: "ok" }, ["es", "en"], "en")).toBe("es");
  });

  it("keeps at most MAX_KEPT_CHUNKS chunks", () => {
    for (let i = 0; i < MAX_KEPT_CHUNKS + 10; i++) {
      chunkLanguage({ id: `many-${i}`, title: null, text: "hello" }, ["en"], "en");
    }
    expect(chunkLanguageCount()).toBe(MAX_KEPT_CHUNKS);
  });
});
