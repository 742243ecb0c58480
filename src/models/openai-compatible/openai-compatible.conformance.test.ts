import { FORGED_MODEL, startForgedServer } from "../../server/forged-server.fixture.js";
import { describeProviderConformance } from "../provider.conformance.js";
import { createOpenAICompatibleProvider } from "./create-openai-compatible-provider.js";

// The OpenAI-compatible provider against a real engine: Alambique's own `/v1`
// on a loopback socket, fronting the embedded provider on a forged model.
describeProviderConformance("OpenAI-compatible (→ Alambique /v1 → llama.cpp)", async () => {
  const server = await startForgedServer();
  const provider = createOpenAICompatibleProvider({ name: "alambique", baseURL: server.baseURL });
  return {
    model: provider.languageModel(FORGED_MODEL),
    embedding: provider.embeddingModel(FORGED_MODEL),
    teardown: () => server.close(),
  };
});
