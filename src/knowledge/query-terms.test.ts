import { describe, expect, it } from "vitest";
import { bm25Query } from "./create-retriever.js";
import { contentTerms, termVariants, wordMatchesTerm } from "./query-terms.js";
import { termCoverage } from "./term-coverage.js";

describe("contentTerms", () => {
  it("keeps the topic words of a question, folded, without stopwords or chat shorthand", () => {
    expect(contentTerms("¿A qué hora abren el DOMINGO?")).toEqual(["hora", "abren", "domingo"]);
    expect(contentTerms("do u deliver to centro?")).toEqual(["deliver", "centro"]);
    expect(contentTerms("con cuanta antelacion tengo q encargar una tarta")).toEqual([
      "antelacion",
      "encargar",
      "tarta",
    ]);
    expect(contentTerms("mi pedido LE-2051")).toEqual(["pedido", "2051"]);
  });

  it("falls back to every word when all are stopwords, but never to greetings", () => {
    expect(contentTerms("¿dónde estáis?")).toEqual(["donde", "estais"]);
    expect(contentTerms("hola, gracias!")).toEqual([]);
    expect(contentTerms("?? !!")).toEqual([]);
  });
});

describe("termVariants", () => {
  it("works a word's forms out once and shares them, frozen", () => {
    const first = termVariants("horario");
    expect(termVariants("horario")).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(termVariants("horarios")).not.toBe(first);
  });

  it("gives plural, singular and gender forms", () => {
    expect(termVariants("tarta")).toEqual(expect.arrayContaining(["tartas"]));
    expect(termVariants("pasteles")).toEqual(expect.arrayContaining(["pastel"]));
    expect(termVariants("vegano")).toEqual(expect.arrayContaining(["vegana", "veganos"]));
    expect(termVariants("luz")).toEqual(expect.arrayContaining(["luces"]));
    expect(termVariants("cookies")).toEqual(expect.arrayContaining(["cookie"]));
  });

  it("maps the verb forms customers ask in to the ones businesses answer in", () => {
    expect(termVariants("abren")).toEqual(expect.arrayContaining(["abrimos", "abrir"]));
    expect(termVariants("repartis")).toEqual(expect.arrayContaining(["repartimos", "reparto"]));
    expect(termVariants("aparcar")).toEqual(expect.arrayContaining(["aparcamiento"]));
    expect(termVariants("trabajo")).toEqual(expect.arrayContaining(["trabajar"]));
    expect(termVariants("deliver")).toEqual(expect.arrayContaining(["delivery", "delivers"]));
    expect(termVariants("baking")).toEqual(expect.arrayContaining(["bake"]));
  });

  it("leaves numbers and short words alone", () => {
    expect(termVariants("2051")).toEqual([]);
    expect(termVariants("le")).toEqual([]);
    expect(termVariants("pan")).not.toContain("par");
  });
});

describe("wordMatchesTerm and termCoverage", () => {
  it("matches variants and long shared prefixes, not short ones", () => {
    expect(wordMatchesTerm("horario", "hora")).toBe(true);
    expect(wordMatchesTerm("delivery", "deliver")).toBe(true);
    expect(wordMatchesTerm("abrimos", "abren")).toBe(true);
    expect(wordMatchesTerm("abierto", "abren")).toBe(false);
    expect(wordMatchesTerm("panes", "pan")).toBe(true);
    expect(wordMatchesTerm("panaderia", "pan")).toBe(false);
  });

  it("is the share of query terms the text covers, ignoring case and accents", () => {
    const terms = contentTerms("tienen pan sin gluten los sábados");
    expect(terms).toEqual(["pan", "gluten", "sabados"]);
    expect(termCoverage(terms, "Hacemos PAN sin glúten los miércoles y los SÁBADOS.")).toBe(1);
    expect(termCoverage(terms, "Panes de masa madre")).toBeCloseTo(1 / 3);
    expect(termCoverage(terms, "Croissant")).toBe(0);
    expect(termCoverage([], "anything")).toBe(0);
  });
});

describe("bm25Query", () => {
  it("puts every topic word first, then variants in turns", () => {
    const query = bm25Query(["tarta", "queso"]).split(" ");
    expect(query.slice(0, 4)).toEqual(["tarta", "queso", "tartas", "quesos"]);
  });
});
