/**
 * The agent spec: what a business writes (YAML or JSON) to describe its agent.
 * Parsed with `agentSpecSchema` at every boundary (file, HTTP, store); the
 * parsed value is what `AgentRecord.spec` holds.
 */
import { z } from "zod";
import { agentEvaluationSchema } from "./evaluation.js";
import { routingSchema } from "./routing.js";

const name = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    "use 1-64 lowercase letters, digits, - or _, starting with a letter or digit",
  );

/**
 * Where a webhook or an MCP server is called: http or https only. `file://`,
 * `gopher://` and the like would reach what the server can read rather than
 * a service the tenant runs.
 */
const httpUrl = z.url({
  protocol: /^https?$/,
  error: "expected an http:// or https:// URL (webhooks and MCP servers are called over HTTP)",
});

/** A header value: literal text, or the name of a secret (environment variable) never stored in the spec. */
export const headerValueSchema = z.union([z.string(), z.object({ secret: z.string().min(1) }).strict()]);

export const builtinToolNames = [
  "search_knowledge",
  "handoff_to_human",
  "create_ticket",
  "business_hours",
] as const;
export type BuiltinToolName = (typeof builtinToolNames)[number];

export const builtinToolSpecSchema = z
  .object({ type: z.literal("builtin"), name: z.enum(builtinToolNames) })
  .strict();

export const webhookToolSpecSchema = z
  .object({
    type: z.literal("webhook"),
    name,
    description: z.string().min(1),
    url: httpUrl,
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("POST"),
    headers: z.record(z.string(), headerValueSchema).default({}),
    /** JSON Schema of the arguments; they are validated before the call is made. */
    inputSchema: z.record(z.string(), z.unknown()),
    timeoutMs: z.int().positive().max(120_000).default(10_000),
    maxResponseBytes: z
      .int()
      .positive()
      .max(10 * 2 ** 20)
      .default(64 * 1024),
    /** Side effects (an order, a booking): the customer confirms before the call. */
    requiresConfirmation: z.boolean().default(false),
  })
  .strict();

export const mcpToolSpecSchema = z
  .object({
    type: z.literal("mcp"),
    /** Prefix of this server's tools in the agent (`<name>__<tool>`). */
    name,
    transport: z.discriminatedUnion("kind", [
      z
        .object({
          kind: z.literal("stdio"),
          command: z.string().min(1),
          args: z.array(z.string()).default([]),
          env: z.record(z.string(), headerValueSchema).default({}),
          cwd: z.string().optional(),
        })
        .strict(),
      z
        .object({
          kind: z.literal("http"),
          url: httpUrl,
          headers: z.record(z.string(), headerValueSchema).default({}),
        })
        .strict(),
    ]),
    /** Only these tools of the server (all when absent). */
    tools: z.array(z.string()).optional(),
    /** true: every tool needs the customer's confirmation; a list: those tools. */
    requiresConfirmation: z.union([z.boolean(), z.array(z.string())]).default(false),
    timeoutMs: z.int().positive().max(120_000).default(30_000),
  })
  .strict();

export const toolSpecSchema = z.discriminatedUnion("type", [
  builtinToolSpecSchema,
  webhookToolSpecSchema,
  mcpToolSpecSchema,
]);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM, 24-hour");
const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

export const businessHoursSchema = z
  .object({
    /** IANA time zone, e.g. Europe/Madrid. */
    timeZone: z
      .string()
      .refine(isTimeZone, "not an IANA time zone (e.g. Europe/Madrid, America/Mexico_City)"),
    weekly: z.partialRecord(z.enum(days), z.array(z.object({ open: hhmm, close: hhmm }).strict())),
    /** Closed all day (YYYY-MM-DD, in the business's time zone). */
    closedOn: z.array(z.iso.date()).default([]),
  })
  .strict();

/** A web origin as browsers send it: scheme, host and port only (`https://shop.example`, `http://127.0.0.1:8080`). */
const origin = z
  .string()
  .max(512)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
    } catch {
      return false;
    }
  }, "an origin is a scheme and a host, with a port when not the default: https://shop.example");

/** A quick reply: short enough to fit on one button. */
const quickReplyList = z.array(z.string().trim().min(1).max(80)).max(6);

/** A host name as in a URL (`shop.example`), without scheme, port or path. */
const hostName = z
  .string()
  .max(253)
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
    "a host name in lowercase, without scheme, port or path: shop.example",
  );

export const agentSpecSchema = z
  .object({
    name,
    displayName: z.string().min(1).optional(),
    /** Who the agent is and how it speaks. */
    persona: z.string().min(1),
    instructions: z.string().default(""),
    /** Languages it serves (ISO 639-1); it answers in the customer's language when it is one of them. */
    languages: z
      .array(z.string().regex(/^[a-z]{2}$/))
      .min(1)
      .default(["en"]),
    /** Catalog model that answers. Absent: retrieval mode (answers from documents, no generative model). */
    model: z.string().min(1).optional(),
    /** A larger model to escalate to when the answering model is unsure (the teacher). */
    fallbackModel: z.string().min(1).optional(),
    /**
     * Student-first routing: `model` (the student) answers and escalates to
     * `fallbackModel` (the teacher) when unsure. Needs both models.
     */
    routing: routingSchema.optional(),
    /** Catalog embedding model for vector search; BM25 only when absent. */
    embeddingModel: z.string().min(1).optional(),
    /** Files or folders ingested as its knowledge, relative to the spec file. */
    knowledge: z.array(z.string().min(1)).default([]),
    tools: z.array(toolSpecSchema).default([]),
    guardrails: z
      .object({
        /** When not empty, questions outside these topics are refused politely. */
        allowedTopics: z.array(z.string().min(1)).default([]),
        /** What to say when refusing, per language (or one text). */
        refusal: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
        /** Mask e-mails, phone numbers, card numbers and IBANs before they reach a model or a log. */
        redactPii: z.boolean().default(true),
      })
      .strict()
      .default({ allowedTopics: [], redactPii: true }),
    handoff: z
      .object({
        /** The customer asks for a person. */
        onRequest: z.boolean().default(true),
        /** After this many turns in a row the agent could not answer. */
        afterFailures: z.int().min(1).default(2),
        /** Retrieval confidence (0..1) below which a turn counts as a failure. */
        minConfidence: z.number().min(0).max(1).default(0.2),
        /** Topics that always go to a person (e.g. complaints, refunds). */
        topics: z.array(z.string().min(1)).default([]),
        /** What the customer is told, per language (or one text). */
        message: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
      })
      .strict()
      .default({ onRequest: true, afterFailures: 2, minConfidence: 0.2, topics: [] }),
    greeting: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
    businessHours: businessHoursSchema.optional(),
    /** Most model steps (tool calls and answers) in one turn. */
    maxSteps: z.int().min(1).max(16).default(4),
    /** How a student is proven before it answers for this agent: the deploy gate (see spec/evaluation.ts). */
    evaluation: agentEvaluationSchema.optional(),
    /** The web widget: whether, and from which sites, visitors may talk to this agent through a public chat key. */
    widget: z
      .object({
        /**
         * Whether a public chat key may open visitor sessions with this agent at all. Off by default: an
         * agent meant for staff or a back end is not on the web because its tenant has a widget.
         */
        enabled: z.boolean().default(false),
        /**
         * Exact origins (`https://panaderia.example`): a visitor session for this agent is opened only
         * from a page on one of them, and every request made with its token must come from the same
         * origin. Empty: any origin (the server's `corsOrigins` still decide which browsers may read). This
         * restrains browsers, which cannot lie about the page they are on; any other client can send any
         * Origin: it is not authentication.
         */
        origins: z.array(origin).max(32).default([]),
        /**
         * The buttons offered under the greeting before the visitor writes (one list, or a list per
         * language): each sends its text as the visitor's first message. Absent: the first questions of the
         * agent's FAQ documents in the visitor's language; `[]`: none.
         */
        quickReplies: z
          .union([quickReplyList, z.record(z.string().regex(/^[a-z]{2}$/), quickReplyList)])
          .optional(),
        /** Whether an answer shows the title of the document it comes from (never its file or path). */
        showSources: z.boolean().default(true),
        /**
         * Hosts an answer may link to, besides the hosts of `origins` and the page the widget is on
         * (`shop.example` also allows `www.shop.example`). A link elsewhere is shown as its text.
         */
        linkDomains: z.array(hostName).max(32).default([]),
      })
      .strict()
      .default({ enabled: false, origins: [], showSources: true, linkDomains: [] }),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.routing && (!spec.model || !spec.fallbackModel))
      ctx.addIssue({
        code: "custom",
        path: ["routing"],
        message:
          "routing needs a student and a teacher: set `model` (the student) and `fallbackModel` (the teacher)",
      });
  });

export type AgentSpecInput = z.input<typeof agentSpecSchema>;
export type AgentSpec = z.infer<typeof agentSpecSchema>;
export type ToolSpec = z.infer<typeof toolSpecSchema>;
export type WebhookToolSpec = z.infer<typeof webhookToolSpecSchema>;
export type McpToolSpec = z.infer<typeof mcpToolSpecSchema>;
export type BusinessHours = z.infer<typeof businessHoursSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
