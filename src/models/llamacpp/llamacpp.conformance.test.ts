import { forgedModelPath } from "../forge/forged-model.fixture.js";
import { describeProviderConformance } from "../provider.conformance.js";
import { createLlamaCpp } from "./create-llamacpp-provider.js";

// The embedded provider, in-process, on a forged random-weight model (one thread: see FACTS.md).
describeProviderConformance("llama.cpp (embedded, forged model)", async () => {
  const path = await forgedModelPath("tiny", 1);
  const llamacpp = createLlamaCpp({ threads: 1, gpu: false });
  return {
    model: llamacpp.languageModel(path),
    embedding: llamacpp.embeddingModel(path),
    teardown: () => llamacpp.dispose(),
  };
});
