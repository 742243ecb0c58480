import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { ChannelHub } from "../../channels/channel-hub.js";
import type { WebhookRequest } from "../../spec/channel.js";

const params = z.object({ channelId: z.string().min(1).max(64) });

/**
 * The providers' webhooks, `GET|POST /channels/{channelId}/webhook`: public
 * (the provider has no API key), authenticated by the provider's signature on
 * the raw body, which is why the body is read here as bytes and never parsed
 * before `verify`. A POST answers 200 once its events are queued in the store
 * (the turn runs after), a forged one 401 with nothing stored.
 */
export async function channelWebhookRoutes(
  app: FastifyInstance,
  options: { hub: ChannelHub },
): Promise<void> {
  const { hub } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );
  const config = { access: "public" as const };
  app.get("/channels/:channelId/webhook", { config }, async (request, reply) => {
    const { channelId } = params.parse(request.params);
    const challenge = await hub.inbox.handshake(channelId, webhookRequest(request).query);
    return reply.type("text/plain").send(challenge);
  });
  app.post("/channels/:channelId/webhook", { config }, async (request) => {
    const { channelId } = params.parse(request.params);
    const result = await hub.inbox.receive(channelId, webhookRequest(request));
    if (result.queued > 0) hub.worker.kick();
    return { ok: true, queued: result.queued };
  });
}

function webhookRequest(request: FastifyRequest): WebhookRequest {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (typeof value === "string") query[name] = value;
  }
  return {
    method: request.method,
    headers: request.headers,
    query,
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
  };
}
