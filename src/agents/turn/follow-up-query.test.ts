import { describe, expect, it } from "vitest";
import type { Message } from "../../spec/store.js";
import { followUpQuery } from "./follow-up-query.js";

const said = (...contents: [Message["role"], string][]): Message[] =>
  contents.map(([role, content], i) => ({
    id: `m${i}`,
    conversationId: "c",
    seq: i + 1,
    role,
    content,
    metadata: {},
    createdAt: "",
  }));

describe("followUpQuery", () => {
  const history = said(["user", "Do you deliver to Benimaclet?"], ["assistant", "From our documents: …"]);

  it("searches a follow-up with the previous customer message", () => {
    expect(followUpQuery("how much?", history)).toBe("Do you deliver to Benimaclet?\nhow much?");
    expect(followUpQuery("¿y el sábado?", said(["user", "¿A qué hora abrís el domingo?"]))).toBe(
      "¿A qué hora abrís el domingo?\n¿y el sábado?",
    );
    expect(followUpQuery("and for a week?", history)).toContain("Benimaclet");
  });

  it("searches a question that stands on its own, or the first one, alone", () => {
    expect(followUpQuery("¿Tenéis pan sin gluten?", history)).toBe("¿Tenéis pan sin gluten?");
    expect(followUpQuery("how much?", [])).toBe("how much?");
    expect(
      followUpQuery("and do you have gluten-free bread, vegan cakes or sugar-free biscuits?", history),
    ).toBe("and do you have gluten-free bread, vegan cakes or sugar-free biscuits?");
  });
});
