import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRetriever } from "../../knowledge/create-retriever.js";
import { createTurnWorld, type TurnWorld } from "./__fixtures__/turn-world.fixture.js";
import { RETRIEVAL_LIMIT, retrieve } from "./retrieve.js";

let world: TurnWorld;
beforeAll(async () => {
  world = await createTurnWorld();
});
afterAll(async () => world?.close());

describe("retrieve", () => {
  it("returns the agent's passages best first, with the best one's confidence", async () => {
    const retriever = createRetriever({ store: world.store });
    const { hits, confidence } = await retrieve(retriever, world.agent, "¿cuánto cuesta la tarta de queso?");
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(RETRIEVAL_LIMIT);
    expect(hits[0]!.chunk.text).toContain("18 euros");
    expect(confidence).toBe(hits[0]!.confidence);
    expect(confidence).toBeGreaterThan(0);
  });

  it("keeps to the limit it is given", async () => {
    const retriever = createRetriever({ store: world.store });
    const { hits } = await retrieve(retriever, world.agent, "tarta tartas pedidos euros", 1);
    expect(hits).toHaveLength(1);
  });

  it("has confidence 0 when nothing matches, and never reads another agent's passages", async () => {
    const retriever = createRetriever({ store: world.store });
    expect(await retrieve(retriever, world.agent, "xylophone quantum")).toEqual({ hits: [], confidence: 0 });
    const other = { tenantId: world.tenantId, id: "00000000-0000-7000-8000-000000000000" };
    expect((await retrieve(retriever, other, "tarta de queso")).hits).toEqual([]);
  });
});
