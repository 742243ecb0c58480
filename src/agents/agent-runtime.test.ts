import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestSources } from "../knowledge/ingest-sources.js";
import { ModelRegistry } from "../models/model-registry.js";
import type { AgentSpec } from "../spec/agent.js";
import type { JsonValue } from "../spec/json.js";
import type { Store } from "../spec/store.js";
import { openStore } from "../store/index.js";
import { AgentRuntime } from "./agent-runtime.js";
import { ConversationDesk } from "./conversation-desk.js";
import { loadAgentFile } from "./load-agent-file.js";

const demoAgentFile = fileURLToPath(new URL("../../data/demo/agent.yaml", import.meta.url));

describe("AgentRuntime in retrieval mode, on the demo bakery", () => {
  let store: Store;
  let runtime: AgentRuntime;
  let models: ModelRegistry;
  let tenantId: string;
  let spec: AgentSpec;

  beforeAll(async () => {
    store = await openStore(join(mkdtempSync(join(tmpdir(), "alq-runtime-")), "alambique.db"));
    tenantId = (await store.tenants.create({ slug: "demo", name: "Demo" })).id;
    const loaded = loadAgentFile(demoAgentFile);
    spec = loaded.spec;
    const agent = await store.agents.create({
      tenantId,
      name: spec.name,
      spec: spec as unknown as Record<string, JsonValue>,
    });
    await ingestSources({
      store,
      tenantId,
      agentId: agent.id,
      paths: loaded.knowledgePaths,
      baseDir: join(demoAgentFile, ".."),
    });
    models = new ModelRegistry({ store });
    runtime = new AgentRuntime({ store, models });
  });
  afterAll(async () => {
    await runtime.dispose();
    await models.dispose();
    await store.close();
  });

  const ask = (message: string, user = "customer-1") =>
    runtime.turn({ tenantId, agent: spec.name, externalUserId: user, message });

  it("answers from the documents in the customer's language, with the source, and persists the turn", async () => {
    const es = await ask("¿Hacéis envíos a Benimaclet? ¿cuánto cuesta?", "es-1");
    expect(es.mode).toBe("retrieval");
    expect(es.language).toBe("es");
    expect(es.text).toContain("Según nuestros documentos");
    expect(es.citations[0]?.uri).toMatch(/envios-a-domicilio/);
    const en = await ask("do you deliver to benimaclet, how much?", "en-1");
    expect(en.language).toBe("en");
    expect(en.text).toContain("From our documents");
    const messages = await store.messages.list(es.conversationId);
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(messages[1]?.metadata).toMatchObject({ mode: "retrieval", language: "es" });
    const citations = messages[1]!.metadata.citations as { uri: string }[];
    expect(citations[0]?.uri).toMatch(/envios/);
  });

  it("runs two messages of one customer sent at once one after the other, in one conversation", async () => {
    const [first, second] = await Promise.all([
      ask("¿Hacéis envíos a Benimaclet?", "twice-1"),
      ask("¿A qué hora abrís el domingo?", "twice-1"),
    ]);
    expect(second.conversationId).toBe(first.conversationId);
    const messages = await store.messages.list(first.conversationId);
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(messages[0]!.content).toContain("Benimaclet");
    expect(messages[2]!.content).toContain("domingo");
  });

  it("greets instead of searching when the customer only says hello", async () => {
    const turn = await ask("¡Hola!", "greeter");
    expect(turn.mode).toBe("small_talk");
    expect(turn.text).toContain("Lucía");
  });

  it("hands off on request, stays quiet while a person answers, and resumes when handed back", async () => {
    const desk = new ConversationDesk(store);
    const handoff = await ask("quiero hablar con una persona, por favor", "handoff-1");
    expect(handoff.mode).toBe("handoff");
    expect(handoff.status).toBe("waiting_human");
    expect((await desk.queue(tenantId)).map((c) => c.id)).toContain(handoff.conversationId);

    const waiting = await ask("¿sigue ahí alguien?", "handoff-1");
    expect(waiting.mode).toBe("human");
    expect(waiting.text).toBe("");

    await desk.reply(tenantId, handoff.conversationId, "Hola, soy Marta. ¿En qué te ayudo?", "marta");
    expect((await store.conversations.get(tenantId, handoff.conversationId))?.status).toBe("human");
    await desk.handBack(tenantId, handoff.conversationId);

    const resumed = await ask("¿a qué hora abrís el domingo?", "handoff-1");
    expect(resumed.conversationId).toBe(handoff.conversationId);
    expect(resumed.mode).toBe("retrieval");
    const roles = (await store.messages.list(handoff.conversationId)).map((m) => m.role);
    expect(roles).toEqual(["user", "assistant", "user", "human", "user", "assistant"]);
  });

  it("hands off a topic the business keeps for people", async () => {
    const turn = await ask("Quiero poner una reclamación por el pedido de ayer", "topic-1");
    expect(turn.mode).toBe("handoff");
    expect(turn.status).toBe("waiting_human");
  });

  it("refuses politely what is not the business's topic", async () => {
    const turn = await ask("¿quién ganó el partido de fútbol ayer?", "off-topic-1");
    expect(turn.mode).toBe("refusal");
    expect(turn.text).toContain("panadería");
  });

  it("hands off after repeated failures to find an answer", async () => {
    const open = { ...spec, name: "all-topics", guardrails: { ...spec.guardrails, allowedTopics: [] } };
    const agent = await store.agents.create({
      tenantId,
      name: open.name,
      spec: open as unknown as Record<string, JsonValue>,
    });
    const turn = (message: string) =>
      runtime.turn({ tenantId, agent: agent.id, externalUserId: "fail-1", message });
    const first = await turn("¿venden bicicletas de montaña?");
    expect(first.status).toBe("bot");
    expect(first.text).toContain("No he encontrado");
    const second = await turn("¿y cascos para bici?");
    expect(second.mode).toBe("handoff");
    expect(second.status).toBe("waiting_human");
  });

  it("masks personal data before it is stored", async () => {
    const turn = await ask(
      "mi correo es ana.garcia@example.com y mi móvil +34 612 345 678, ¿hacéis tartas sin lactosa?",
      "pii-1",
    );
    const [user] = await store.messages.list(turn.conversationId);
    expect(user?.content).not.toContain("ana.garcia@example.com");
    expect(user?.content).not.toContain("612 345 678");
    expect(user?.content).toContain("[email]");
    expect(user?.metadata.redacted).toMatchObject({ email: 1, phone: 1 });
  });

  it("serves an agent's new spec from the turn after it is updated, though specs are parsed once", async () => {
    const agent = await store.agents.create({
      tenantId,
      name: "greets-anew",
      spec: { ...spec, name: "greets-anew" } as unknown as Record<string, JsonValue>,
    });
    const hello = () =>
      runtime.turn({ tenantId, agent: agent.name, externalUserId: "anew-1", message: "¡Hola!" });
    expect((await hello()).text).toContain("Lucía");
    const first = await runtime.agent(tenantId, agent.id);
    expect(await runtime.agent(tenantId, agent.name)).toMatchObject({ spec: first.spec });
    expect((await runtime.agent(tenantId, agent.name)).spec).toBe(first.spec);
    expect(Object.isFrozen(first.spec.greeting)).toBe(true);

    const greeting = { es: "¡Buenas! Soy Pepa.", en: "Hi! I'm Pepa." };
    await store.agents.update(tenantId, agent.id, {
      ...spec,
      name: "greets-anew",
      greeting,
    } as unknown as Record<string, JsonValue>);
    expect((await hello()).text).toBe(greeting.es);
    // A spec that no longer validates is refused as before, not served from the cache.
    await store.agents.update(tenantId, agent.id, { ...spec, name: "greets-anew", maxSteps: -1 } as never);
    await expect(hello()).rejects.toThrow(/maxSteps/);
  });

  it("takes an agent the caller has loaded, only for that agent's own tenant", async () => {
    const loaded = await runtime.agent(tenantId, spec.name);
    const turn = await runtime.turn({
      tenantId,
      agent: loaded,
      externalUserId: "loaded-1",
      message: "¡Hola!",
    });
    expect(turn.mode).toBe("small_talk");
    const other = (await store.tenants.create({ slug: "other-bakery", name: "Other" })).id;
    await expect(
      runtime.turn({ tenantId: other, agent: loaded, externalUserId: "loaded-1", message: "¡Hola!" }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(await store.conversations.findOpen(other, loaded.id, "loaded-1")).toBeUndefined();
  });

  it("answers a 1 MB message politely without sending it anywhere, and stores a bounded copy", async () => {
    const turn = await ask("pan ".repeat(262_144), "huge-1");
    expect(turn.mode).toBe("too_long");
    const [user] = await store.messages.list(turn.conversationId);
    expect(user!.content.length).toBeLessThan(10_000);
    expect(user?.metadata.chars).toBe(1_048_576);
  });
});
