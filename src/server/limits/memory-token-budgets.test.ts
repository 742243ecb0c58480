import { MemoryTokenBudgets } from "./memory-token-budgets.js";
import { describeTokenBudgetsConformance } from "./token-budgets.conformance.js";

// One process's counts: both "replicas" are the one object.
describeTokenBudgetsConformance("memory", async () => {
  const store = new MemoryTokenBudgets();
  return { handles: [store, store], tenants: ["shop", "bar"] };
});
