import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { z } from "zod";

const ordersFile = fileURLToPath(new URL("../../../data/demo/orders.json", import.meta.url));

const orderSchema = z.object({
  id: z.string(),
  status: z.enum(["received", "baking", "ready_for_pickup", "out_for_delivery", "delivered", "cancelled"]),
  items: z.array(z.string()),
  ready_at: z.string().nullable(),
  note: z.string().optional(),
});

const querySchema = z.object({
  order_id: z.string().regex(/^LE-\d{4}$/, "expected an order number like LE-1001"),
});

/**
 * The demo bakery's order-status service: the webhook its agent calls (a
 * stand-in for the business's own shop system, served by the demo itself).
 * `GET` or `POST /demo/orders/status` with `order_id`.
 */
export async function demoOrdersRoute(app: FastifyInstance): Promise<void> {
  const orders = z.array(orderSchema).parse(JSON.parse(readFileSync(join(ordersFile), "utf8")));
  const byId = new Map(orders.map((o) => [o.id, o]));
  const handler = async (input: unknown, reply: import("fastify").FastifyReply) => {
    const parsed = querySchema.safeParse(input);
    if (!parsed.success)
      return reply.status(400).send({ error: parsed.error.issues[0]?.message ?? "invalid order_id" });
    const order = byId.get(parsed.data.order_id);
    if (!order) return reply.status(404).send({ error: `no order ${parsed.data.order_id}` });
    return order;
  };
  // Public: it stands for the shop's own system, which the agent's webhook calls without an Alambique key.
  const options = { config: { access: "public" } } as const;
  app.get("/demo/orders/status", options, (request, reply) => handler(request.query, reply));
  app.post("/demo/orders/status", options, (request, reply) => handler(request.body, reply));
}
