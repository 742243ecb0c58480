import { z } from "zod";
import { envSecrets, testWebhookCall } from "../../agents/index.js";
import { tenantNetwork } from "../../agents/tools/tenant-network.js";
import {
  type AgentSpec,
  agentSpecSchema,
  type WebhookToolSpec,
  webhookToolSpecSchema,
} from "../../spec/agent.js";
import { NotFoundError } from "../../spec/errors.js";
import { RequestError } from "../request-error.js";
import { checkAgentSpecPolicy } from "./agent-spec-policy.js";
import { agentNameParams } from "./agents-routes.js";
import type { ApiDeps } from "./api-deps.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { findAgent } from "./find-agent.js";
import { isOperator } from "./is-operator.js";

export const toolTestRequestSchema = z
  .object({
    tool: z.union([
      z.string().meta({ description: "The name of a webhook tool in the agent's saved spec" }),
      webhookToolSpecSchema.meta({
        description:
          "A webhook tool as the agent spec writes it, saved or not (what the console's form holds)",
      }),
    ]),
    arguments: z
      .record(z.string(), z.unknown())
      .default({})
      .meta({ description: "Sample arguments, checked against the tool's `inputSchema` as a model's are" }),
  })
  .strict()
  .meta({ id: "ToolTestRequest" });

export const toolTestSchema = z
  .object({
    ok: z.boolean().meta({ description: "Whether the agent would have got an answer to use" }),
    latencyMs: z.int().meta({ description: "Wall time of the call, in ms" }),
    status: z.int().nullable().meta({ description: "The HTTP status answered; null when none came" }),
    answer: z
      .object({
        data: z.unknown().optional().meta({ description: "The parsed JSON answer" }),
        text: z.string().optional().meta({ description: "A text answer, or JSON cut at the size cap" }),
        truncated: z.literal(true).optional(),
        note: z.string().optional(),
      })
      .nullable()
      .meta({
        description: "What the model would read, cut at the tool's `maxResponseBytes`; null on failure",
      }),
    error: z
      .object({
        code: z.string().meta({ description: "timeout, unreachable, http_status, address_refused, …" }),
        message: z.string(),
        hint: z.string().nullable(),
        retryable: z.boolean(),
        issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      })
      .nullable()
      .meta({ description: "The failure as the model would read it; null on success" }),
  })
  .meta({ id: "ToolTest" });

/**
 * A tenant's test call is bounded below what a saved tool may ask for (120 s, 10 MiB): the route would
 * otherwise be a proxy to any public host that holds a connection and a large buffer per request, within
 * the key's rate limit alone. One call in flight per tenant; the operator's calls keep the tool's own limits.
 */
export const tenantTestCallLimits = { timeoutMs: 15_000, maxResponseBytes: 256 * 1024 } as const;

/**
 * `POST /api/agents/:name/tools/test`: one real call of a webhook tool, the
 * owner's "test call". It goes through the runtime's own code
 * (`testWebhookCall`) under the same rules as the agent's turns: a tenant that
 * is not the operator's may not read the server's secrets nor name a private
 * host (`checkAgentSpecPolicy`, as a save), and connects where the tenant's
 * agent may (`tenantNetwork`: public addresses only, checked by `publicFetch`
 * when it connects). A failed call is a 200 whose `error` says what the model
 * would have read; the route refuses (4xx) only what would not have been
 * called at all.
 */
export function toolTestRoute({ store }: ApiDeps): ApiRoute {
  const inFlight = new Set<string>();
  return defineApiRoute({
    method: "POST",
    path: "/api/agents/:name/tools/test",
    tag: "agents",
    summary: "Call a webhook tool once, as the agent would",
    description:
      "Makes one real request (a POST is really sent) with the sample `arguments`, saved tool or not, and answers the status, the time it took and what the model would read: the answer cut at the tool's size cap, or the failure with its hint.",
    access: "admin",
    params: agentNameParams,
    body: { schema: toolTestRequestSchema },
    response: { description: "How the call went", schema: toolTestSchema },
    errors: [400, 403, 404],
    async handler({ auth, params, body, reply }) {
      const record = await findAgent(store, auth.tenantId, params.name);
      const spec = agentSpecSchema.parse(record.spec);
      const asked = typeof body.tool === "string" ? savedWebhook(spec, params.name, body.tool) : body.tool;
      const operator = await isOperator(store, auth);
      checkToolPolicy(spec, asked, operator);
      const tool = operator
        ? asked
        : {
            ...asked,
            timeoutMs: Math.min(asked.timeoutMs, tenantTestCallLimits.timeoutMs),
            maxResponseBytes: Math.min(asked.maxResponseBytes, tenantTestCallLimits.maxResponseBytes),
          };
      const network = await tenantNetwork(store, auth.tenantId);
      if (!operator && inFlight.has(auth.tenantId)) {
        throw new RequestError("another test call of this business is still waiting for its webhook", {
          code: "rate_limit_exceeded",
          status: 429,
          hint: "wait for it to answer (at most 15 s), then try again",
        });
      }
      // The owner left (closed the page): the call is cancelled rather than waited for.
      const gone = new AbortController();
      reply.raw.once("close", () => {
        if (!reply.raw.writableFinished) gone.abort();
      });
      if (!operator) inFlight.add(auth.tenantId);
      const { latencyMs, outcome } = await testWebhookCall(tool, body.arguments, {
        store,
        tenantId: auth.tenantId,
        agent: { id: record.id, spec },
        secrets: envSecrets(),
        network,
        signal: gone.signal,
      }).finally(() => {
        if (!operator) inFlight.delete(auth.tenantId);
      });
      if (outcome.ok) {
        const { status, ...answer } = outcome.answer;
        return { ok: true, latencyMs, status, answer, error: null };
      }
      const { code, error, hint, retryable, issues, status } = outcome.error;
      return {
        ok: false,
        latencyMs,
        status: status ?? null,
        answer: null,
        error: { code, message: error, hint: hint ?? null, retryable, ...(issues ? { issues } : {}) },
      };
    },
  });
}

function savedWebhook(spec: AgentSpec, agent: string, name: string): WebhookToolSpec {
  const tool = spec.tools.find((t): t is WebhookToolSpec => t.type === "webhook" && t.name === name);
  if (tool) return tool;
  throw new NotFoundError(
    "webhook tool",
    name,
    `GET /api/agents/${agent} shows the agent's tools; an unsaved tool is sent whole as \`tool\``,
  );
}

/** The save's policy on this one tool; `param` names it in this request (`tool.url`), not in a spec. */
function checkToolPolicy(spec: AgentSpec, tool: WebhookToolSpec, operator: boolean): void {
  try {
    checkAgentSpecPolicy({ ...spec, tools: [tool] }, operator);
  } catch (error) {
    if (!RequestError.isInstance(error) || error.param === null) throw error;
    throw new RequestError(error.message, {
      code: error.code,
      status: error.status,
      param: error.param.replace(/^tools\[0\]/, "tool"),
    });
  }
}
