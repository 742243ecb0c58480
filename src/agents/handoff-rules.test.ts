import { describe, expect, it } from "vitest";
import { agentSpecSchema } from "../spec/agent.js";
import { handoffTopic, withinAllowedTopics } from "./handoff-rules.js";

const spec = agentSpecSchema.parse({
  name: "shop",
  persona: "A bakery.",
  languages: ["es", "en"],
  handoff: {
    topics: [
      "complaints / reclamaciones",
      "refunds / reembolsos",
      "severe allergies, anaphylaxis or coeliac disease / alergias graves, anafilaxia o celiaquía",
    ],
  },
  guardrails: { allowedTopics: ["opening hours, location, delivery"] },
});

describe("handoffTopic", () => {
  it.each([
    ["tengo una queja", "complaints / reclamaciones"],
    ["quiero reclamar por el pedido", "complaints / reclamaciones"],
    ["I want to complain", "complaints / reclamaciones"],
    ["quiero que me devolváis el dinero", "refunds / reembolsos"],
    ["I want a refund", "refunds / reembolsos"],
    ["Soy alérgica grave a los frutos secos", expect.stringContaining("severe allergies")],
    ["my son is severely allergic to nuts", expect.stringContaining("severe allergies")],
    ["soy celíaco", expect.stringContaining("severe allergies")],
  ])("%s → a person", (message, topic) => {
    expect(handoffTopic(message, spec)).toEqual(topic);
  });

  it.each(["¿Puedo devolver un pan que no he abierto?", "¿tenéis pan sin gluten?", "¿lleva alérgenos?"])(
    "%s → answered, not handed off",
    (message) => {
      expect(handoffTopic(message, spec)).toBeUndefined();
    },
  );
});

describe("withinAllowedTopics", () => {
  it("reads a topic in either language, with the search lexicon's words", () => {
    expect(withinAllowedTopics("Where are you located?", spec)).toBe(true);
    expect(withinAllowedTopics("¿hacéis envíos?", spec)).toBe(true);
    expect(withinAllowedTopics("¿quién ganó el partido?", spec)).toBe(false);
  });
});
