/**
 * The store conformance suite: every contract of `src/spec/store.ts`, written
 * only against the `Store` interface and `openStore(url)`, so that every
 * implementation runs the same cases. An implementation's test file calls
 *
 *   describeStoreConformance("sqlite", async () => `sqlite:${tempDir}/${n}.db`);
 *
 * `makeUrl` must return a URL no store has used yet, which several stores and
 * child processes can open at once (so not `:memory:`). The cases live in
 * `conformance/*.conformance.ts`, one area each.
 */
import { describe } from "vitest";
import { describeAgentVersions } from "./conformance/agent-versions.conformance.js";
import { describeChannels } from "./conformance/channels.conformance.js";
import { describeConversationsAndMessages } from "./conformance/conversations-and-messages.conformance.js";
import { describeDatasets } from "./conformance/datasets.conformance.js";
import { describeDurability } from "./conformance/durability.conformance.js";
import { describeEvaluations } from "./conformance/evaluations.conformance.js";
import { describeJobs } from "./conformance/jobs.conformance.js";
import { describeKnowledge } from "./conformance/knowledge.conformance.js";
import { describeKnowledgeStaging } from "./conformance/knowledge-staging.conformance.js";
import { describeStagingSweep } from "./conformance/knowledge-staging-sweep.conformance.js";
import { describeKnowledgeVectors } from "./conformance/knowledge-vectors.conformance.js";
import {
  describeMessageAnnotations,
  describeMessageFeedback,
} from "./conformance/message-feedback.conformance.js";
import { describeModelsAndAgents } from "./conformance/models-and-agents.conformance.js";
import { describeSecrets } from "./conformance/secrets.conformance.js";
import { createStoreTestKit } from "./conformance/store-test-kit.conformance.js";
import { describeSynthRows } from "./conformance/synth-rows.conformance.js";
import { describeTenantsAndKeys } from "./conformance/tenants-and-keys.conformance.js";
import { describeTickets } from "./conformance/tickets.conformance.js";
import { describeTransactionsAndJson } from "./conformance/transactions-and-json.conformance.js";
import { describeUploadBlobs } from "./conformance/upload-blobs.conformance.js";
import { describeUsage } from "./conformance/usage.conformance.js";

export function describeStoreConformance(name: string, makeUrl: () => Promise<string>): void {
  describe(`store conformance: ${name}`, () => {
    const kit = createStoreTestKit(makeUrl);
    describeTenantsAndKeys(kit);
    describeModelsAndAgents(kit);
    describeAgentVersions(kit);
    describeConversationsAndMessages(kit);
    describeMessageFeedback(kit);
    describeMessageAnnotations(kit);
    describeJobs(kit);
    describeKnowledge(kit);
    describeKnowledgeStaging(kit);
    describeStagingSweep(kit);
    describeKnowledgeVectors(kit);
    describeTickets(kit);
    describeUsage(kit);
    describeSecrets(kit);
    describeChannels(kit);
    describeUploadBlobs(kit);
    describeSynthRows(kit);
    describeDatasets(kit);
    describeEvaluations(kit);
    describeTransactionsAndJson(kit);
    describeDurability(kit);
  });
}
