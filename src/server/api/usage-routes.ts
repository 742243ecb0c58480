import { z } from "zod";
import type { ApiDeps } from "./api-deps.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { tallyTurns } from "./tally-turns.js";

/** Most conversations whose messages one usage report reads. */
const MAX_CONVERSATIONS = 5000;

export const usageSchema = z
  .object({
    since: z.string().meta({ description: "First day counted (YYYY-MM-DD, UTC)" }),
    dailyLimit: z.int().nullable().meta({ description: "The daily token budget; null when there is none" }),
    days: z.array(z.object({ day: z.string(), tokens: z.int() })).meta({
      description: "Tokens counted against the budget, per day, oldest first (every request, not only turns)",
    }),
    turns: z
      .array(
        z.object({
          day: z.string(),
          agent: z.string(),
          model: z.string().nullable().meta({ description: "Null: answered from documents or by a person" }),
          turns: z.int(),
          handoffs: z.int(),
          inputTokens: z.int(),
          outputTokens: z.int(),
          meanLatencyMs: z.number(),
          cost: z.number().nullable().meta({
            description: "At the catalog's prices (its currency, per million tokens); null without them",
          }),
        }),
      )
      .meta({ description: "Agent answers per day, agent and model" }),
    truncated: z.boolean().meta({
      description: `More than ${MAX_CONVERSATIONS} conversations were active: the newest were read`,
    }),
  })
  .meta({ id: "Usage" });

const usageQuery = z.object({ days: z.coerce.number().int().min(1).max(31).default(7) });

/** `GET /api/usage`: what the tenant's agents did and spent, per day, agent and model. */
export function usageRoutes({ store, budget }: ApiDeps): ApiRoute[] {
  return [
    defineApiRoute({
      method: "GET",
      path: "/api/usage",
      tag: "usage",
      summary: "Turns, tokens and cost per day, agent and model",
      description:
        "The last `days` days (1–31, default 7, today included, UTC): the tokens counted against the daily budget, and the agents' answers (turns, handoffs, tokens, mean latency, cost at the catalog's `pricePerMillionInput`/`Output`) per day, agent and model.",
      access: "admin",
      query: usageQuery,
      response: { description: "Oldest day first", schema: usageSchema },
      errors: [400],
      async handler({ auth, query }) {
        const days = lastDays(query.days);
        const since = days[0]!;
        const { tallies, truncated } = await tallyTurns(store, auth.tenantId, since, MAX_CONVERSATIONS);
        const prices = new Map<string, { input: number; output: number } | null>();
        for (const name of new Set(tallies.flatMap((t) => (t.model ? [t.model] : [])))) {
          const metadata = (await store.models.get(name))?.metadata ?? {};
          const input = metadata.pricePerMillionInput;
          const output = metadata.pricePerMillionOutput;
          prices.set(
            name,
            typeof input === "number" && typeof output === "number" ? { input, output } : null,
          );
        }
        return {
          since,
          dailyLimit: budget?.limit(auth.tenantId) ?? null,
          days: await Promise.all(
            days.map(async (day) => ({ day, tokens: await store.usage.get(auth.tenantId, day) })),
          ),
          turns: tallies.map(({ latencyMsTotal, ...t }) => {
            const price = t.model ? prices.get(t.model) : null;
            return {
              ...t,
              meanLatencyMs: t.turns ? Math.round(latencyMsTotal / t.turns) : 0,
              cost: price ? (t.inputTokens * price.input + t.outputTokens * price.output) / 1e6 : null,
            };
          }),
          truncated,
        };
      },
    }),
  ];
}

/** The last `n` UTC days, oldest first, today last. */
function lastDays(n: number): string[] {
  const today = Date.now();
  return Array.from({ length: n }, (_, i) =>
    new Date(today - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}
