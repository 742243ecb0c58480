import { describeFeedbackCapsConformance } from "./feedback-caps.conformance.js";
import { MemoryFeedbackCaps } from "./memory-feedback-caps.js";

// One process's counts: both "replicas" are the one object.
describeFeedbackCapsConformance("memory", async () => {
  const store = new MemoryFeedbackCaps();
  return [store, store];
});
