import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScriptStep, scriptedModel } from "../../agents/tools/__fixtures__/scripted-model.js";
import { createRetriever } from "../../knowledge/create-retriever.js";
import { ingestSources } from "../../knowledge/ingest-sources.js";
import { agentSpecSchema } from "../../spec/agent.js";
import type { JsonValue } from "../../spec/json.js";
import type { Store } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import { defaultStepOptions } from "./step-options.js";
import { TeacherAgent } from "./teacher-agent.js";

/**
 * The teacher's turn, recorded: scripted conversations played through
 * `TeacherAgent` (answers, tool rounds, a confirmation, a handoff, a retry
 * after invalid JSON, an unknown citation, the finishing call after
 * `maxSteps`, single answers without tools), and everything they produce
 * (outcomes, training messages, the system prompt, what the model was shown)
 * compared with `__golden__/teacher-turns.json`. Written before the teacher
 * was moved onto the agent's turn steps, to show the move changes nothing.
 * The knowledge is this file's own (three short documents), so that changes
 * to the demo's documents do not touch it.
 */
const NOW = new Date("2026-12-02T10:30:00Z");
let dir: string;
let store: Store;
let base: Omit<SynthContext, "teacher">;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alq-teacher-golden-"));
  store = await openStore(join(dir, "alambique.db"));
  const tenant = await defaultTenant(store);
  const spec = agentSpecSchema.parse({
    name: "tartas",
    persona: "Atiende los pedidos de tartas de una pastelería.",
    languages: ["es", "en"],
    model: "scripted",
    maxSteps: 2,
    tools: [
      { type: "builtin", name: "handoff_to_human" },
      {
        type: "webhook",
        name: "place_order",
        description: "Places a cake order for pickup.",
        url: "http://127.0.0.1:9/orders",
        inputSchema: { type: "object", properties: { item: { type: "string" } }, required: ["item"] },
        requiresConfirmation: true,
      },
      {
        type: "webhook",
        name: "order_status",
        description: "Looks up an order.",
        url: "http://127.0.0.1:9/status",
        inputSchema: { type: "object", properties: { order: { type: "string" } }, required: ["order"] },
      },
    ],
  });
  const record = await store.agents.create({
    tenantId: tenant.id,
    name: spec.name,
    spec: spec as unknown as Record<string, JsonValue>,
  });
  const docs = join(dir, "docs");
  const files = {
    "precios.md": "# Precios\n\nLa tarta de queso cuesta 18 euros. La tarta de chocolate cuesta 22 euros.",
    "recogida.md": "# Recogida\n\nLos pedidos se recogen en la tienda de la calle Sueca 12, de 9 a 14 horas.",
    "encargos.md": "# Encargos\n\nLas tartas se encargan con dos días de antelación.",
  };
  mkdirSync(docs);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(docs, name), text);
  await ingestSources({
    store,
    tenantId: tenant.id,
    agentId: record.id,
    paths: Object.keys(files).map((f) => join(docs, f)),
    baseDir: docs,
  });
  base = {
    store,
    tenantId: tenant.id,
    agent: { ...record, spec },
    teacherName: "scripted",
    retriever: createRetriever({ store }),
    seed: 7,
    languages: ["es", "en"],
    signal: new AbortController().signal,
    addUsage: () => {},
  };
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function play(script: ScriptStep[], messages: string[], tools = true) {
  const teacher = scriptedModel(script);
  const agent = new TeacherAgent(
    { ...base, teacher },
    { language: "es", now: NOW, tools, customerId: "golden", options: defaultStepOptions },
  );
  try {
    const outcomes = [];
    for (const [i, message] of messages.entries()) outcomes.push(await agent.answer(message, 100 + i));
    return {
      outcomes,
      recorded: agent.recorded,
      system: agent.systemPrompt(),
      cited: agent.citedChunkIds.size,
      shown: teacher.prompts.map((prompt) =>
        prompt.map((message) => ({
          role: message.role,
          content:
            typeof message.content === "string"
              ? message.content
              : message.content.map((part) =>
                  "text" in part ? part.text : "output" in part ? part.output : part.type,
                ),
        })),
      ),
    };
  } finally {
    await agent.close();
  }
}

const answer = (reply: string, cited: string[] = []) => ({ text: JSON.stringify({ reply, cited }) });

/** Keys in order: what is compared is the content, not the order a result's fields were written in. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

describe("the teacher's turn, recorded", () => {
  it("plays the same conversations as before", async () => {
    const golden = {
      conversation: await play(
        [
          answer("La tarta de queso cuesta 18 euros [S1].", ["S1"]),
          { toolCalls: [{ toolName: "place_order", input: { item: "tarta de queso" } }] },
          answer("¿Te la reservo para el sábado?"),
          answer("Hecho, pedido hecho."),
          { toolCalls: [{ toolName: "handoff_to_human", input: { reason: "quiere un descuento" } }] },
          answer("Te paso con una persona."),
        ],
        [
          "¿Cuánto cuesta la tarta de queso?",
          "quiero una tarta de queso para el sábado",
          "sí",
          "¿me hacéis descuento?",
        ],
      ),
      retried: await play(
        [{ text: "esto no es JSON" }, answer("Se recogen en la calle Sueca 12.", ["S1"])],
        ["¿dónde se recogen los pedidos?"],
      ),
      invalid: await play([{ text: "no" }, { text: "{}" }], ["¿dónde se recogen los pedidos?"]),
      unknownCitation: await play([answer("Cuesta 18 euros [S9].", ["S9"])], ["¿precio de la tarta?"]),
      citedNotInText: await play(
        [answer("Con dos días de antelación.", ["S1"])],
        ["¿con cuánta antelación hay que encargar una tarta?"],
      ),
      finishing: await play(
        [
          { toolCalls: [{ toolName: "order_status", input: { order: "A1" } }] },
          { toolCalls: [{ toolName: "order_status", input: { order: "A2" } }] },
          answer("Tu pedido está listo."),
        ],
        ["¿está listo mi pedido A1?"],
      ),
      single: await play([answer("Cuesta 22 euros [S1].", ["S1"])], ["¿y la de chocolate?"], false),
    };
    const text = JSON.stringify(sortKeys(golden), null, 2).replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      "<id>",
    );
    await expect(`${text}\n`).toMatchFileSnapshot("./__golden__/teacher-turns.json");
  }, 60_000);
});
