import { z } from "zod";
import { type ModelPrices, priced, pricesOf } from "../../models/catalog/model-prices.js";
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
    ratings: z.array(z.object({ day: z.string(), up: z.int(), down: z.int() })).meta({
      description:
        "The customers' thumbs up and down per day, oldest first, every day of the period: each rating counted on the day of the answer it rates (a rating records no time of its own)",
    }),
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
      summary: "Turns, tokens, cost and ratings per day, agent and model",
      description:
        "The last `days` days (1–31, default 7, today included, UTC): the tokens counted against the daily budget, and the agents' answers (turns, handoffs, tokens, mean latency, cost at the catalog's `pricePerMillionInput`/`Output`) per day, agent and model, and the answers' ratings (thumbs up and down) per day.",
      access: "admin",
      query: usageQuery,
      response: { description: "Oldest day first", schema: usageSchema },
      errors: [400],
      async handler({ auth, query }) {
        const days = lastDays(query.days);
        const since = days[0]!;
        const { tallies, truncated } = await tallyTurns(store, auth.tenantId, since, MAX_CONVERSATIONS);
        const prices = new Map<string, ModelPrices | null>();
        for (const name of new Set(tallies.flatMap((t) => (t.model ? [t.model] : [])))) {
          prices.set(name, pricesOf(await store.models.get(name)));
        }
        const ratings = new Map(days.map((day) => [day, { day, up: 0, down: 0 }]));
        for (const t of tallies) {
          const rated = ratings.get(t.day);
          if (rated) {
            rated.up += t.ratedUp;
            rated.down += t.ratedDown;
          }
        }
        return {
          since,
          dailyLimit: budget?.limit(auth.tenantId) ?? null,
          days: await Promise.all(
            days.map(async (day) => ({ day, tokens: await store.usage.get(auth.tenantId, day) })),
          ),
          turns: tallies.map(({ latencyMsTotal, ratedUp: _up, ratedDown: _down, ...t }) => ({
            ...t,
            meanLatencyMs: t.turns ? Math.round(latencyMsTotal / t.turns) : 0,
            cost: priced(t, t.model ? prices.get(t.model) : null),
          })),
          ratings: [...ratings.values()],
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
