import { z } from "zod";
import type { ChannelView } from "../../channels/channel-configs.js";
import type { ChannelHub } from "../../channels/channel-hub.js";
import { privateMailHosts } from "../../channels/email/private-mail-hosts.js";
import { channelKinds } from "../../spec/channel.js";
import { NotFoundError } from "../../spec/errors.js";
import type { RequestAuth } from "../auth/request-auth.js";
import { RequestError } from "../request-error.js";
import type { ApiDeps } from "./api-deps.js";
import { deletedSchema, isoTime, listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { findAgent } from "./find-agent.js";
import { isOperator } from "./is-operator.js";

const channelSchema = z
  .object({
    id: z.string(),
    agentId: z.string(),
    kind: z.enum(channelKinds),
    settings: z
      .record(z.string(), z.unknown())
      .meta({ description: "Public settings: base URL, phone number id" }),
    secretNames: z
      .array(z.string())
      .meta({ description: "Which secrets are stored; their values are never returned" }),
    webhookPath: z.string().meta({ description: "Where the provider posts, below the server's public URL" }),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: "Channel" });

const addSchema = z
  .object({
    kind: z.enum(channelKinds),
    settings: z.record(z.string(), z.unknown()).optional().meta({
      description:
        "Telegram: `baseUrl` (operator only); WhatsApp: `phoneNumberId`, `baseUrl` (operator only); Messenger: `pageId`, Instagram: `accountId`, both `commentReplies` (`off` by default, `on`: public replies to comments on the account's posts), `baseUrl` (operator only)",
    }),
    secrets: z.record(z.string(), z.string()).meta({
      description:
        "Telegram: `botToken` (`webhookSecret` is made up when left out); WhatsApp, Messenger, Instagram: `accessToken` (Messenger, Instagram: the Page access token), `appSecret` (`verifyToken` made up when left out)",
    }),
    publicUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta({
        description: "The server's public URL: Telegram's webhook is set to it at once (`setWebhook`)",
      }),
  })
  .meta({ id: "NewChannel" });

const addedSchema = channelSchema
  .extend({
    generated: z.record(z.string(), z.string()).meta({
      description:
        "Secrets the server made up (the WhatsApp verify token to paste into Meta's console), shown this once",
    }),
  })
  .meta({ id: "NewChannelAnswer" });

const checkSchema = z
  .object({ ok: z.boolean(), details: z.record(z.string(), z.string()), problems: z.array(z.string()) })
  .meta({ id: "ChannelCheck" });

const channelParams = z.object({ name: z.string(), id: z.string() });
const agentParams = z.object({ name: z.string() });

/**
 * `/api/agents/:name/channels`: an agent's channels, for the tenant's admins.
 * Secrets go in and never come out. A tenant other than the operator's may
 * not point a channel at another base URL (the server would call it with the
 * credentials: an address on the server's own network is the operator's alone).
 */
export function channelsRoutes({ store, channels }: ApiDeps): ApiRoute[] {
  const hub = (): ChannelHub => {
    if (!channels) {
      throw new RequestError("this server serves no agents, so no channels", {
        code: "not_found",
        status: 404,
      });
    }
    return channels;
  };
  const own = async (auth: RequestAuth, name: string, id: string) => {
    const agent = await findAgent(store, auth.tenantId, name);
    const record = await store.channels.get(auth.tenantId, id);
    if (!record || record.agentId !== agent.id) throw new NotFoundError("channel", id);
    return record;
  };
  return [
    defineApiRoute({
      method: "GET",
      path: "/api/agents/:name/channels",
      tag: "channels",
      summary: "An agent's channels (no secrets)",
      access: "admin",
      params: agentParams,
      response: { description: "Oldest first", schema: listOf(channelSchema) },
      errors: [404],
      async handler({ auth, params }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        return { data: await hub().configs.list(auth.tenantId, agent.id) };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/api/agents/:name/channels",
      tag: "channels",
      summary: "Connect an agent to a channel",
      description:
        "Secrets are stored encrypted with the server's `ALAMBIQUE_SECRET_KEY` (503 `secret_key_missing` without it) and never returned. One channel per kind and agent (409 otherwise).",
      access: "admin",
      params: agentParams,
      body: { schema: addSchema },
      response: { status: 201, description: "The channel", schema: addedSchema },
      errors: [400, 403, 404, 409, 502, 503],
      async handler({ auth, params, body }) {
        const agent = await findAgent(store, auth.tenantId, params.name);
        const operator = await isOperator(store, auth);
        if (body.settings?.baseUrl !== undefined && !operator) {
          throw new RequestError("only the operator may point a channel at another base URL", {
            code: "operator_only",
            status: 403,
            param: "settings.baseUrl",
          });
        }
        const mailHosts = body.kind === "email" && !operator ? await privateMailHosts(body.settings) : [];
        if (mailHosts.length > 0) {
          throw new RequestError(
            "only the operator may point a mail channel at a host off the public internet",
            {
              code: "operator_only",
              status: 403,
              param: `settings.${mailHosts[0]}`,
            },
          );
        }
        const added = await hub().configs.add({
          tenantId: auth.tenantId,
          agentId: agent.id,
          kind: body.kind,
          settings: body.settings,
          secrets: body.secrets,
        });
        const channel = hub().configs.open(added.record);
        if (body.publicUrl && channel.connect) {
          await channel.connect(new URL(added.view.webhookPath, body.publicUrl).toString());
        }
        // A channel that reads its provider (e-mail) starts now, not at the watchers' next read of the store.
        if (channel.watch) void hub().watchers.refresh();
        const generated = Object.fromEntries(
          Object.entries(added.secrets).filter(
            ([name, value]) => body.secrets[name] !== value && name === "verifyToken",
          ),
        );
        return { ...added.view, generated } satisfies ChannelView & { generated: Record<string, string> };
      },
    }),
    defineApiRoute({
      method: "POST",
      path: "/api/agents/:name/channels/:id/test",
      tag: "channels",
      summary: "Check a channel's credentials with its provider",
      access: "admin",
      params: channelParams,
      response: { description: "What the provider said, or what is wrong", schema: checkSchema },
      errors: [404],
      async handler({ auth, params }) {
        return hub().configs.test(await own(auth, params.name, params.id));
      },
    }),
    defineApiRoute({
      method: "DELETE",
      path: "/api/agents/:name/channels/:id",
      tag: "channels",
      summary: "Disconnect a channel (its queues go with it)",
      access: "admin",
      params: channelParams,
      response: { description: "Removed", schema: deletedSchema },
      errors: [404],
      async handler({ auth, params }) {
        const record = await own(auth, params.name, params.id);
        await store.channels.remove(auth.tenantId, record.id);
        void channels?.watchers.refresh(); // a mailbox being watched is let go now
        return { id: record.id, deleted: true as const };
      },
    }),
  ];
}
