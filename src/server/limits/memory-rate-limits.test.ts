import { MemoryRateLimits } from "./memory-rate-limits.js";
import { describeRateLimitsConformance } from "./rate-limits.conformance.js";

// One process's buckets: both "replicas" are the one object.
describeRateLimitsConformance("memory", async () => {
  const store = new MemoryRateLimits();
  return [store, store];
});
