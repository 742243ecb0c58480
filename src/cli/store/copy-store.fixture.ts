/**
 * A store holding a bit of everything `store copy` moves: a conversation,
 * knowledge with vectors over several batches (and a staged, unpublished
 * version of a source), jobs, a frozen dataset, keys, models, usage, secrets.
 */
import type { NewModel, Store } from "../../spec/store.js";
import { chunkInputs, putTexts, seedAgent } from "../../store/conformance/knowledge-kit.conformance.js";
import { seedConversation } from "../../store/conformance/store-test-kit.conformance.js";
import { sampleRow, sampleTasks } from "../../store/conformance/synth-rows.conformance.js";

export async function seedEverything(store: Store) {
  const { tenant, conversation } = await seedConversation(store);
  await store.messages.append({
    conversationId: conversation.id,
    role: "user",
    content: "¿abrís el domingo?",
  });
  await store.messages.append({
    conversationId: conversation.id,
    role: "assistant",
    content: "Sí, de 8 a 14.",
    metadata: { mode: "retrieval", citations: [{ uri: "horarios.md" }] },
  });
  const knowing = await seedAgent(store, tenant);
  const texts = Array.from(
    { length: 620 },
    (_, i) => `Pregunta ${i}: la tarta número ${i} lleva almendra y miel.`,
  );
  await putTexts(store, knowing, "faq.md", texts);
  await putTexts(store, knowing, "horarios.md", ["Abrimos los domingos de 8 a 14.", "We open on Sundays."]);
  const chunks = await store.knowledge.listChunks(tenant.id, knowing.agent.id, { limit: 1000 });
  await store.knowledge.putVectors(
    tenant.id,
    knowing.agent.id,
    "emb",
    chunks.map((chunk, i) => ({
      chunkId: chunk.id,
      vector: new Float32Array([Math.cos(i), Math.sin(i), 0.5, -0.25]),
    })),
  );
  await store.knowledge.stageSource({
    tenantId: tenant.id,
    agentId: knowing.agent.id,
    uri: "horarios.md",
    kind: "markdown",
    contentHash: "staged-horarios",
    bytes: 3,
    chunks: chunkInputs(["Cerrado en agosto.", "Closed in August.", "Fermé en août."]),
  });
  const job = await store.jobs.enqueue({ kind: "synth", tenantId: tenant.id, payload: { count: 3 } });
  const dataset = await store.datasets.create({
    tenantId: tenant.id,
    name: "espiga-faq",
    jobId: job.id,
    card: {
      agent: "mostrador",
      teacher: { name: "t", licenseId: "apache-2.0" },
      judge: null,
      filters: {},
      counts: { train: 1, validation: 0, test: 0, dropped: {} },
      languages: ["es"],
      contentHash: "ab".repeat(32),
    },
    rows: [{ split: "train", row: sampleRow("k1") }],
  });
  await store.datasets.freeze(tenant.id, dataset.id);
  await store.apiKeys.create({ tenantId: tenant.id, name: "ops", scopes: ["admin"] });
  await store.models.add({
    name: "m-open",
    source: "url:http://127.0.0.1:8000/v1",
    architecture: null,
    parameterCount: null,
    quantization: null,
    contextLength: null,
    licenseId: "apache-2.0",
    licenseUrl: null,
    weightsOpenness: "open",
    dataOpenness: null,
    codeOpenness: null,
    outputsMayTrain: true,
    metadata: {},
  } as NewModel);
  await store.usage.add(tenant.id, "2026-12-06", 1234);
  await store.secrets.getOrCreate("visitor-tokens", 32);
  await seedTheRest(store, {
    tenantId: tenant.id,
    agentId: conversation.agentId,
    conversationId: conversation.id,
  });
  return {
    tenantId: tenant.id,
    agentId: knowing.agent.id,
    conversationId: conversation.id,
    datasetId: dataset.id,
    jobId: job.id,
  };
}

/** Tickets, channels and their queues, evaluations, promotions, synthetic rows, uploads. */
async function seedTheRest(store: Store, ids: { tenantId: string; agentId: string; conversationId: string }) {
  const { tenantId, agentId, conversationId } = ids;
  await store.tickets.create({ tenantId, agentId, conversationId, subject: "Tarta", body: "Sin gluten?" });
  const channel = await store.channels.create({
    tenantId,
    agentId,
    kind: "telegram",
    settings: { botName: "espiga_bot" },
    sealedSecrets: Buffer.from([0, 1, 2, 255]),
  });
  await store.channels.receive({ channelId: channel.id, providerMessageId: "u1", payload: { text: "hola" } });
  await store.channels.enqueueOutbound({
    channelId: channel.id,
    idempotencyKey: "o1",
    payload: { text: "¡hola!" },
  });
  const synth = await store.jobs.enqueue({ kind: "synth", tenantId, payload: { count: 2 } });
  await store.synth.putPlan(synth.id, sampleTasks(["q-a", "q-b"]));
  await store.synth.putRow(synth.id, sampleRow("q-a"));
  const evaluation = await store.jobs.enqueue({ kind: "eval", tenantId, payload: {} });
  await store.evaluations.putResult(evaluation.id, { key: "a", ordinal: 0, result: { score: 0.5 } });
  const scorecard = await store.evaluations.createScorecard({
    tenantId,
    agentId,
    jobId: evaluation.id,
    candidate: "student",
    reference: "teacher",
    judge: "teacher",
    datasetId: null,
    datasetHash: "cd".repeat(32),
    seed: 7,
    gatePassed: true,
    scorecard: { formatVersion: 1 },
  });
  await store.promotions.record({
    tenantId,
    agentId,
    action: "promote",
    model: "student",
    previousModel: "teacher",
    scorecardId: scorecard.id,
    forced: false,
    why: null,
    actor: "rosa",
    revertsId: null,
  });
  await store.uploads.put({
    tenantId,
    uploadId: "up-1",
    name: "carta.pdf",
    data: new Uint8Array([37, 80, 68, 70]),
    maxTenantBytes: 1 << 20,
  });
}
