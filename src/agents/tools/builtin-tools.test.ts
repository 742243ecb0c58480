import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createToolTestWorld, type ToolTestWorld } from "./__fixtures__/tool-test-context.js";
import { type AgentTool, executeAgentTool } from "./agent-tool.js";
import { createCitationNumbering } from "./citation-numbering.js";
import { createTicketTool } from "./create-ticket-tool.js";
import { handoffToHumanTool } from "./handoff-to-human-tool.js";
import { type KnowledgeResult, searchKnowledgeTool } from "./search-knowledge-tool.js";
import type { ToolContext } from "./tool-context.js";

let world: ToolTestWorld;

beforeEach(async () => {
  world = await createToolTestWorld({
    handoff: {
      message: {
        es: "Una persona del equipo te responde enseguida.",
        en: "A person from the team will answer soon.",
      },
    },
    businessHours: { timeZone: "Europe/Madrid", weekly: { mon: [{ open: "09:00", close: "14:00" }] } },
  });
});
afterEach(() => world.close());

function run(
  make: (context: ToolContext) => AgentTool,
  input: unknown,
  overrides: Partial<ToolContext> = {},
) {
  const context = { ...world.context, ...overrides };
  return executeAgentTool(make(context), context, input, { toolCallId: "call-1", signal: undefined });
}

async function addKnowledge(): Promise<void> {
  const { store, tenantId, agentId } = world;
  const base = { tenantId, agentId, kind: "markdown" as const, contentHash: "h", bytes: 100 };
  await store.knowledge.putSource({
    ...base,
    uri: "precios.md",
    chunks: [
      {
        ordinal: 0,
        text: "Croissant de mantequilla: 1,20 €. Napolitana de chocolate: 1,50 €.",
        title: "Bollería",
        location: "## Bollería",
        metadata: {},
      },
      {
        ordinal: 1,
        text: `Pan de centeno integral. ${"Masa madre de centeno, fermentación lenta. ".repeat(30)}`,
        title: "Panes",
        location: "## Panes",
        metadata: {},
      },
    ],
  });
  await store.knowledge.putSource({
    ...base,
    uri: "faq.md",
    chunks: [
      {
        ordinal: 0,
        text: "Sí, hacemos tartas de cumpleaños por encargo con dos días de antelación.",
        title: "¿Hacéis tartas?",
        location: "faq[3]",
        metadata: {},
      },
    ],
  });
}

describe("search_knowledge", () => {
  it("returns hits with citation ids, source, location and trimmed text", async () => {
    await addKnowledge();
    const result = (await run(searchKnowledgeTool, { query: "centeno" })) as {
      results: KnowledgeResult[];
      note: string;
    };
    expect(result.results).toHaveLength(1);
    const [hit] = result.results;
    expect(hit).toMatchObject({
      citation: "[S1]",
      source: "precios.md",
      location: "## Panes",
      title: "Panes",
    });
    expect(hit?.text.length).toBeLessThanOrEqual(701);
    expect(hit?.text.endsWith("…")).toBe(true);
    expect(result.note).toContain("cite");

    const both = (await run(searchKnowledgeTool, { query: "croissant tartas", limit: 5 })) as {
      results: KnowledgeResult[];
    };
    expect(both.results.map((r) => [r.citation, r.source]).sort()).toEqual([
      ["[S1]", expect.any(String)],
      ["[S2]", expect.any(String)],
    ]);
    expect(both.results.map((r) => r.source).sort()).toEqual(["faq.md", "precios.md"]);
  });

  it("shares the turn's numbering with the runtime, so ids never clash", async () => {
    await addKnowledge();
    const numbering = createCitationNumbering();
    const [inPrompt] = await world.context.retriever.search({
      tenantId: world.tenantId,
      agentId: world.agentId,
      query: "tartas",
    });
    expect(numbering.cite(inPrompt as NonNullable<typeof inPrompt>)).toBe("S1");
    const result = (await run(searchKnowledgeTool, { query: "croissant tartas" }, { cite: numbering })) as {
      results: KnowledgeResult[];
    };
    const bySource = Object.fromEntries(result.results.map((r) => [r.source, r.citation]));
    expect(bySource).toEqual({ "faq.md": "[S1]", "precios.md": "[S2]" });
    expect(numbering.cited().map((c) => [c.id, c.sourceUri])).toEqual([
      ["S1", "faq.md"],
      ["S2", "precios.md"],
    ]);
  });

  it("says so when nothing matches, and rejects an empty query", async () => {
    await addKnowledge();
    expect(await run(searchKnowledgeTool, { query: "bicicletas" })).toMatchObject({
      results: [],
      note: expect.stringContaining("Do not guess"),
    });
    expect(await run(searchKnowledgeTool, { query: "  " })).toMatchObject({
      isError: true,
      code: "invalid_arguments",
    });
  });
});

describe("handoff_to_human", () => {
  it("sets the conversation to waiting_human and returns the configured message to relay", async () => {
    const monday10 = () => new Date("2026-03-30T08:00:00Z");
    const result = (await run(handoffToHumanTool, { reason: "wants a refund" }, { now: monday10 })) as {
      status: string;
      note: string;
    };
    expect(result.status).toBe("waiting_human");
    expect(result.note).toContain('(es) "Una persona del equipo te responde enseguida."');
    expect(result.note).not.toContain("closed");
    const stored = await world.store.conversations.get(world.tenantId, world.conversation.id);
    expect(stored?.status).toBe("waiting_human");
    // Again: nothing changes, same note.
    expect(await run(handoffToHumanTool, { reason: "again" }, { now: monday10 })).toMatchObject({
      status: "waiting_human",
    });
  });

  it("tells the customer when the team is closed and when it opens", async () => {
    const sunday = () => new Date("2026-03-29T16:00:00Z");
    const result = (await run(handoffToHumanTool, { reason: "complaint" }, { now: sunday })) as {
      note: string;
    };
    expect(result.note).toContain("The team is closed right now");
    expect(result.note).toContain("Opens Monday 2026-03-30 at 09:00");
  });

  it("changes nothing in dry runs, and refuses without a stored conversation", async () => {
    expect(await run(handoffToHumanTool, { reason: "x" }, { dryRun: true })).toMatchObject({
      simulated: true,
      status: "waiting_human",
    });
    expect((await world.store.conversations.get(world.tenantId, world.conversation.id))?.status).toBe("bot");
    expect(await run(handoffToHumanTool, { reason: "x" }, { conversationId: null })).toMatchObject({
      isError: true,
      code: "not_configured",
    });
  });
});

describe("create_ticket", () => {
  it("stores an open ticket with the conversation and contact, and returns its id", async () => {
    const result = (await run(createTicketTool, {
      subject: "Tarta sin gluten",
      body: "Quiere una tarta sin gluten para el sábado.",
      contact: "ana@example.com",
    })) as { ticketId: string };
    const ticket = await world.store.tickets.get(world.tenantId, result.ticketId);
    expect(ticket).toMatchObject({
      agentId: world.agentId,
      conversationId: world.conversation.id,
      subject: "Tarta sin gluten",
      status: "open",
      metadata: { contact: "ana@example.com", externalUserId: "customer-1", createdBy: "agent" },
    });
    expect(result).toMatchObject({ status: "open", note: expect.stringContaining(result.ticketId) });
  });

  it("stores nothing for invalid arguments or in dry runs", async () => {
    expect(await run(createTicketTool, { subject: "", body: "x" })).toMatchObject({
      code: "invalid_arguments",
    });
    expect(await run(createTicketTool, { subject: "s", body: "b" }, { dryRun: true })).toMatchObject({
      simulated: true,
    });
    expect(await world.store.tickets.list(world.tenantId)).toEqual([]);
  });
});
