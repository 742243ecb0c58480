import { describe, expect, it } from "vitest";
import type { ChunkHit } from "../../spec/knowledge.js";
import { createCitationNumbering } from "../tools/citation-numbering.js";
import { checkCitations, citeAnswer } from "./cite-answer.js";
import type { GeneratedAnswer } from "./generate-answer.js";
import type { ModelCall } from "./prepare-model-call.js";

const now = new Date("2026-12-02T10:30:00Z");

function hit(id: string, uri: string): ChunkHit {
  return {
    chunk: { id, location: "## Precios", text: "…" },
    source: { uri },
  } as unknown as ChunkHit;
}

function callWithPassages(): ModelCall {
  const numbering = createCitationNumbering();
  numbering.cite(hit("chunk-a", "/srv/shop/knowledge/precios.md"));
  numbering.cite(hit("chunk-b", "/srv/shop/knowledge/recogida.md"));
  return {
    system: "",
    messages: [],
    tools: {},
    numbering,
    confirmedCalls: [],
    confirmedMessages: [],
    summarisedTurns: 0,
  };
}

function generated(text: string, toolResults: { toolName: string; input: unknown; output: unknown }[] = []) {
  return {
    text,
    steps: [{ toolResults }],
    usage: { inputTokens: 0, outputTokens: 0 },
  } as unknown as GeneratedAnswer;
}

const needsConfirmation = {
  status: "needs_confirmation",
  tool: "place_order",
  arguments: { item: "tarta" },
  summary: "place_order with item = tarta",
};

describe("citeAnswer", () => {
  it("keeps only the passages the answer cites, named by file, never by path", () => {
    const cited = citeAnswer({
      call: callWithPassages(),
      generated: generated("Cuesta 18 € [S2]."),
      language: "es",
      now,
    });
    expect(cited.citations).toEqual([
      { id: "S2", chunkId: "chunk-b", uri: "recogida.md", location: "## Precios" },
    ]);
    expect(cited.text).toBe("Cuesta 18 € [S2].");
    expect(cited.appended).toBe("");
  });

  it("says in the runtime's own words what a yes will run, whatever the model wrote", () => {
    const result = { toolName: "place_order", input: { item: "tarta" }, output: needsConfirmation };
    const cited = citeAnswer({
      call: callWithPassages(),
      generated: generated("Vale.", [result]),
      language: "es",
      now,
    });
    expect(cited.awaiting).toEqual([
      {
        toolName: "place_order",
        args: { item: "tarta" },
        summary: needsConfirmation.summary,
        requestedAt: now.toISOString(),
      },
    ]);
    expect(cited.appended.startsWith("\n\n")).toBe(true);
    expect(cited.text).toBe(`Vale.${cited.appended}`);
    expect(cited.text).toContain("- place_order with item = tarta");
    expect(cited.toolCalls).toEqual([
      { name: "place_order", input: { item: "tarta" }, output: needsConfirmation },
    ]);
  });

  it("does not ask again for a call that ran on this turn's yes", () => {
    const call = {
      ...callWithPassages(),
      confirmedCalls: [{ name: "place_order", input: { item: "tarta" }, output: { ok: true } }],
    };
    const result = { toolName: "place_order", input: { item: "tarta" }, output: needsConfirmation };
    const cited = citeAnswer({ call, generated: generated("Hecho.", [result]), language: "es", now });
    expect(cited.awaiting).toEqual([]);
    expect(cited.toolCalls.map((c) => c.name)).toEqual(["place_order", "place_order"]);
  });
});

describe("checkCitations", () => {
  it("accepts passages the answer was shown, and names in the text those listed only in `cited`", () => {
    const { numbering } = callWithPassages();
    expect(checkCitations({ reply: "Cuesta 18 € [S1].", cited: ["S2"] }, numbering)).toEqual({
      ok: true,
      text: "Cuesta 18 € [S1]. [S2]",
      chunkIds: ["chunk-a", "chunk-b"],
    });
  });

  it("refuses an answer citing a passage it was not shown", () => {
    const { numbering } = callWithPassages();
    const checked = checkCitations({ reply: "Cuesta 18 € [S9].", cited: [] }, numbering);
    expect(checked).toEqual({
      ok: false,
      detail: "the answer cites S9, which is not among the retrieved passages (S1, S2)",
    });
  });
});
