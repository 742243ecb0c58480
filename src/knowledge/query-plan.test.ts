import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bestExcerpt } from "./best-excerpt.js";
import { retrievalCases } from "./demo-retrieval.fixture.js";
import { editDistance } from "./edit-distance.js";
import { words } from "./fold-text.js";
import { passageUnits } from "./passage-units.js";
import { planQuery, planSearchWords, RELATED_STRENGTH, termStrength } from "./query-plan.js";
import { wordMatchesTerm } from "./query-terms.js";
import { ABSENT_WEIGHT, weighTerms, weightedCoverage } from "./weigh-terms.js";

const set = (text: string) => new Set(text.split(" "));

describe("planQuery", () => {
  it("joins words of one meaning into one term, and bridges languages with the lexicon", () => {
    expect(planQuery("¿A qué hora cerráis hoy?").terms.map((t) => t.words)).toEqual([["hora", "cerrais"]]);
    const [hours] = planQuery("What are your opening hours?").terms;
    expect(termStrength(hours!, set("horario de la tienda"))).toBe(RELATED_STRENGTH);
    expect(termStrength(hours!, set("opening times"))).toBe(1);
    expect(planQuery("how much?").terms.map((t) => t.words)).toEqual([["price"]]);
    expect(planSearchWords(planQuery("Where are you located?"))).toEqual(
      expect.arrayContaining(["direccion", "calle"]),
    );
  });

  it("recognises a misspelt lexicon word, a silent h included", () => {
    const [term] = planQuery("orario").terms;
    expect(term?.related.has("horario")).toBe(true);
    expect(planQuery("delivry").terms[0]?.related.has("delivery")).toBe(true);
  });
});

describe("termStrength, kept per term and word set", () => {
  it("answers again once the term's related words grow (a typo's correction added by weighTerms)", () => {
    const [term] = planQuery("zorblax").terms;
    const chunk = set("quuxen de limon");
    expect(termStrength(term!, chunk)).toBe(0);
    term!.related.add("quuxen");
    expect(termStrength(term!, chunk)).toBe(RELATED_STRENGTH);
    expect(termStrength(term!, set("zorblax casero"))).toBe(1);
  });

  it("answers a later search's term of the same words as planned: one search's spelling fix stays its own", () => {
    const chunk = set("quuxen de limon");
    const [fixed] = planQuery("zorblax").terms;
    fixed!.related.add("quuxen");
    expect(termStrength(fixed!, chunk)).toBe(RELATED_STRENGTH);
    const [planned] = planQuery("¿y el zorblax?").terms;
    expect(planned!.words).toEqual(fixed!.words);
    expect(termStrength(planned!, chunk)).toBe(0);
    expect(termStrength(planned!, set("quuxen zorblaxes"))).toBe(1);
  });
});

describe("weighTerms", () => {
  it("weighs the word that tells candidates apart over the one they share", () => {
    const plan = planQuery("tienen pan sin gluten");
    const pool = [set("pan de centeno"), set("pan de molde"), set("pan sin gluten"), set("panes sin azucar")];
    const weighed = weighTerms(plan, pool);
    expect(weighed.weights[1]!).toBeGreaterThan(weighed.weights[0]!);
    expect(weightedCoverage(weighed, pool[2]!)).toBe(1);
    expect(weightedCoverage(weighed, pool[3]!)).toBeLessThan(0.5);
  });

  it("lets a word no candidate holds outweigh the rest, so half a question is not an answer", () => {
    const weighed = weighTerms(planQuery("bicicletas de montaña"), [set("bicicleta de carga")]);
    expect(weighed.weights[1]).toBe(ABSENT_WEIGHT * weighed.weights[0]!);
    expect(weightedCoverage(weighed, set("bicicleta de carga"))).toBeLessThan(0.3);
  });

  it("takes a candidate's word one typo away for the word asked", () => {
    const weighed = weighTerms(planQuery("bneimaclet"), [set("envio a benimaclet")]);
    expect(weightedCoverage(weighed, set("envio a benimaclet"))).toBe(RELATED_STRENGTH);
  });
});

describe("passageUnits and bestExcerpt", () => {
  const hours = [
    "| Día | Horario |",
    "| --- | --- |",
    "| Lunes a viernes | 7:30 – 20:30 |",
    "| Sábado | 8:00 – 20:30 |",
    "| Domingo | 8:00 – 14:30 |",
    "",
    "Abrimos todos los días del año salvo festivos. El pan sale del horno hacia",
    "las 8:00 y hay una segunda hornada a las 17:00. Los domingos solo hay hornada de mañana.",
  ].join("\n");

  it("reads table rows under their header and joins hard-wrapped sentences", () => {
    const units = passageUnits(hours);
    expect(units.map((u) => u.text)).toEqual([
      "Lunes a viernes: 7:30 – 20:30",
      "Sábado: 8:00 – 20:30",
      "Domingo: 8:00 – 14:30",
      "Abrimos todos los días del año salvo festivos.",
      "El pan sale del horno hacia las 8:00 y hay una segunda hornada a las 17:00.",
      "Los domingos solo hay hornada de mañana.",
    ]);
    expect(passageUnits("Zona | Barrios | Precio\nZona 3 | Benimaclet | 5,00 €")[0]?.text).toBe(
      "Zona 3 — Barrios: Benimaclet; Precio: 5,00 €",
    );
  });

  const excerpt = (query: string, text: string) => {
    const plan = planQuery(query);
    return bestExcerpt(text, weighTerms(plan, [new Set(passageUnits(text).flatMap((u) => [...u.words]))]));
  };

  it("answers with the row or sentences that hold the question, not the whole passage", () => {
    expect(
      excerpt("¿A qué hora abren el domingo?", `${hours}\n\n${"Relleno sin interés. ".repeat(20)}`),
    ).toBe("Domingo: 8:00 – 14:30");
    const cerrais = excerpt("¿A qué hora cerráis?", `${hours}\n\n${"Relleno sin interés. ".repeat(20)}`);
    expect(cerrais).toContain("Lunes a viernes: 7:30 – 20:30\nSábado: 8:00 – 20:30\nDomingo: 8:00 – 14:30");
  });

  it("keeps a list with the sentence that introduces it", () => {
    const text = [
      "Para darte de alta en el padrón necesitas cita previa y traer:",
      "",
      "- El DNI, NIE o pasaporte.",
      "- El contrato de alquiler o la escritura.",
      "",
      `${"Otra información que no viene al caso. ".repeat(10)}`,
    ].join("\n");
    expect(excerpt("¿Qué necesito para empadronarme?", text)).toBe(
      "Para darte de alta en el padrón necesitas cita previa y traer:\n- El DNI, NIE o pasaporte.\n- El contrato de alquiler o la escritura.",
    );
  });
});

describe("editDistance", () => {
  it("counts edits and swaps, and stops past the maximum", () => {
    expect(editDistance("horario", "orario", 1)).toBe(1);
    expect(editDistance("glutne", "gluten", 1)).toBe(1);
    expect(editDistance("entradas", "entregas", 1)).toBe(2);
  });
});

describe("termStrength", () => {
  it("matches a chunk's words through its prefix index exactly as a word-by-word scan would", () => {
    const folder = join(import.meta.dirname, "../../data/demo/knowledge");
    const chunks = readdirSync(folder).map(
      (name) => new Set(words(readFileSync(join(folder, name), "utf8"))),
    );
    const scan = (term: ReturnType<typeof planQuery>["terms"][number], present: ReadonlySet<string>) => {
      for (const [i, word] of term.words.entries()) {
        for (const candidate of present) if (wordMatchesTerm(candidate, word, term.variants[i])) return 1;
      }
      for (const candidate of present) if (term.related.has(candidate)) return RELATED_STRENGTH;
      return 0;
    };
    let compared = 0;
    // Twice: the second time each fresh plan meets the answers kept per chunk set (holds-form.ts).
    for (const pass of [1, 2]) {
      for (const { query } of retrievalCases) {
        for (const term of planQuery(query).terms) {
          for (const present of chunks) {
            expect(termStrength(term, present), `${pass} ${query}: ${term.words.join("/")}`).toBe(
              scan(term, present),
            );
            compared++;
          }
          // A spelling fix added to `related` (as weighTerms does) is seen at once.
          term.related.add("horno");
          for (const present of chunks) expect(termStrength(term, present)).toBe(scan(term, present));
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
