import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse, RouteOptions } from "fastify";
import { AgentRuntime } from "../../agents/agent-runtime.js";
import { NotFoundError } from "../../spec/errors.js";
import type { ModelResolver } from "../../spec/models.js";
import type { Store, Tenant } from "../../spec/store.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { type RouteAccess, visitorExternalUserId } from "../auth/request-auth.js";
import { createServer, type ServerOptions } from "../create-server.js";

/** A catalog with no model: `/api` needs none, and `/v1` answers 404 `model_not_found`. */
export const emptyCatalog: ModelResolver = {
  languageModel: (name) => Promise.reject(new NotFoundError("model", name)),
  embeddingModel: (name) => Promise.reject(new NotFoundError("model", name)),
  list: async () => [],
};

export interface TestTenant {
  tenant: Tenant;
  admin: string;
  chat: string;
  chatKeyId: string;
}

export interface RegisteredRoute {
  method: string;
  /** Fastify's form: `/api/agents/:name`. */
  url: string;
  /** As the auth hook reads it (`admin` when the route declares none). */
  access: RouteAccess;
}

export interface ApiServer {
  app: FastifyInstance;
  /** Every route the server registered, HEAD ones left out. */
  routes: RegisteredRoute[];
  store: Store;
  /** The default tenant: its admin key is the operator's. */
  operator: TestTenant;
  /** A second tenant, `other`. */
  other: TestTenant;
  /** `app.inject` with `key` as a bearer token (none when undefined). */
  call(key: string | undefined, request: InjectOptions): Promise<LightMyRequestResponse>;
  /**
   * Opens a visitor session with `chatKey` (as a widget does) for `agent`;
   * throws unless it is granted. `externalUserId` is what its conversations are stored under.
   */
  openVisitor(
    chatKey: string,
    agent: string,
    options?: { origin?: string; resume?: string },
  ): Promise<{ token: string; visitorId: string; externalUserId: string }>;
  close(): Promise<void>;
}

/**
 * Test fixture: the real server with auth required, in process, on a real
 * SQLite store in a temporary folder, with two tenants (the default one and
 * `other`), each with an admin and a chat key, serving agents (`agent:<name>`
 * in `/v1`) from an empty model catalog.
 */
export async function startApiServer(options: Partial<ServerOptions> = {}): Promise<ApiServer> {
  const dir = mkdtempSync(join(tmpdir(), "alq-api-"));
  const store = await openStore(join(dir, "alambique.db"));
  const keysOf = async (tenant: Tenant): Promise<TestTenant> => {
    const admin = await store.apiKeys.create({ tenantId: tenant.id, name: "admin", scopes: ["admin"] });
    const chat = await store.apiKeys.create({ tenantId: tenant.id, name: "widget", scopes: ["chat"] });
    return { tenant, admin: admin.secret, chat: chat.secret, chatKeyId: chat.key.id };
  };
  const operator = await keysOf(await defaultTenant(store));
  const other = await keysOf(await store.tenants.create({ slug: "other", name: "Other" }));
  // Serves agent models in `/v1` (retrieval mode: no model needed), so that they are tested for isolation too.
  const agents = new AgentRuntime({ store, models: options.models ?? emptyCatalog });
  const app = createServer({
    models: emptyCatalog,
    agents,
    uploadDir: join(dir, "uploads"),
    ...options,
    store,
  });
  const seen: RouteOptions[] = [];
  // Plugins' own onRoute hooks (`/v1` sets its default access) run after this one: read the options once ready.
  app.addHook("onRoute", (route) => void seen.push(route));
  await app.ready();
  const routes = seen.flatMap((route) =>
    [route.method]
      .flat()
      .filter((method) => method !== "HEAD")
      .map((method) => ({ method, url: route.url, access: route.config?.access ?? ("admin" as const) })),
  );
  return {
    app,
    routes,
    store,
    operator,
    other,
    call(key, request) {
      const headers = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...request.headers };
      return app.inject({ ...request, headers });
    },
    async openVisitor(chatKey, agent, options = {}) {
      const res = await app.inject({
        method: "POST",
        url: "/api/visitor-sessions",
        headers: {
          authorization: `Bearer ${chatKey}`,
          ...(options.origin ? { origin: options.origin } : {}),
        },
        payload: { agent, ...(options.resume ? { resume: options.resume } : {}) },
      });
      if (res.statusCode !== 201) throw new Error(`no visitor session: ${res.statusCode} ${res.body}`);
      const token = res.json().token as string;
      const claims = JSON.parse(Buffer.from(token.slice(4, token.lastIndexOf(".")), "base64url").toString());
      return {
        token,
        visitorId: claims.visitorId,
        externalUserId: visitorExternalUserId(claims),
      };
    },
    async close() {
      await app.close();
      await agents.dispose();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal valid agent spec (retrieval mode). */
export function agentSpec(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, persona: `The assistant of ${name}.`, ...extra };
}
