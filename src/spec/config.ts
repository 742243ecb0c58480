/**
 * The shape of `alambique.yaml`. Every key is optional: an absent file means
 * "all defaults". Environment variables override the file (see
 * `src/config/load-config.ts`).
 */
import { z } from "zod";

export const modelSourceConfigSchema = z
  .object({
    /** A local GGUF file. */
    gguf: z.string().min(1).optional(),
    /** `OWNER/REPO/FILE.gguf` on Hugging Face, downloaded where there is internet. */
    hf: z.string().min(1).optional(),
    /** Base URL of an OpenAI-compatible engine (vLLM, Ollama, llama-server, TGI, SGLang). */
    url: z.url().optional(),
    /** Name of the environment variable holding the engine's API key (never the key itself). */
    apiKeyEnv: z.string().min(1).optional(),
    /** The engine's model id, when it differs from the catalog name. */
    remoteModel: z.string().min(1).optional(),
    license: z.string().min(1).optional(),
    threads: z.int().positive().optional(),
    contextSize: z.int().positive().optional(),
  })
  .strict()
  .refine((m) => [m.gguf, m.hf, m.url].filter((v) => v !== undefined).length === 1, {
    message: "give exactly one of gguf, hf or url",
  });

const queueLimitsSchema = z
  .object({
    /** Generations of one model running at once. */
    concurrency: z.int().positive().optional(),
    /** Requests that may wait for a slot beyond those; one more is answered 429 at once. */
    maxWaiting: z.int().min(0).optional(),
  })
  .strict();

/** `server.limits`: what one client or tenant may use. Every key is optional; defaults in `src/server/limits`. */
export const serverLimitsConfigSchema = z
  .object({
    /** Requests per minute per API key (per client address when auth is off); 0 turns it off. Default 600. */
    requestsPerMinute: z.int().min(0).optional(),
    /** Requests a key may make at once after being idle. Default: requestsPerMinute. */
    burst: z.int().positive().optional(),
    /** Requests per minute of one widget visitor (a visitor token), within its key's; 0 turns it off. Default 30. */
    visitorRequestsPerMinute: z.int().min(0).optional(),
    /** Visitor sessions one client address may open per minute with a public chat key; 0 turns it off. Default 20. */
    visitorSessionsPerMinute: z.int().min(0).optional(),
    /** Tokens (prompt + completion) each tenant may use per UTC day. Default: no budget. */
    dailyTokens: z.int().positive().optional(),
    /** Daily token budgets of particular tenants, by tenant id. */
    tenantDailyTokens: z.record(z.string(), z.int().min(0)).optional(),
    /** Generations per model (default 4 running, 16 waiting), and per model name. */
    queue: queueLimitsSchema
      .extend({ models: z.record(z.string(), queueLimitsSchema).optional() })
      .strict()
      .optional(),
    /** Deadline of a non-streaming request, in ms. Default 120 000. */
    requestTimeoutMs: z.int().positive().optional(),
    /** Time a client has to send a whole request, in ms. Default 30 000. */
    receiveTimeoutMs: z.int().positive().optional(),
    /** Time a client has to send the request headers, in ms. Default 10 000. */
    headersTimeoutMs: z.int().positive().optional(),
  })
  .strict();

const documentLimitsConfigSchema = z
  .object({
    /** Bytes a PDF's compressed streams may inflate to (images left out). */
    decodedBytes: z.int().positive().optional(),
    /** Pages of a PDF. */
    pages: z.int().positive().optional(),
    /** Characters of text in the chunks of a document. */
    chars: z.int().positive().optional(),
  })
  .strict();

/**
 * `knowledge.limits`: what reading documents may cost; past a limit the
 * document is refused (HTTP 413/422) naming it. Every key is optional;
 * defaults in `src/knowledge/ingest-limits.ts`: fileBytes 50 MiB; document
 * 256 MiB decoded, 10 000 pages, 20 000 000 characters; upload (one HTTP
 * upload or one `knowledge add`) 1 GiB, 20 000 pages, 50 000 000
 * characters; timeoutMs 60 000 per document; memoryMb 1024 per document;
 * concurrency 2 documents read at once.
 */
export const knowledgeLimitsConfigSchema = z
  .object({
    fileBytes: z.int().positive().optional(),
    document: documentLimitsConfigSchema.optional(),
    upload: documentLimitsConfigSchema.optional(),
    timeoutMs: z.int().positive().optional(),
    memoryMb: z.int().min(64).optional(),
    concurrency: z.int().positive().max(64).optional(),
  })
  .strict();

export type KnowledgeLimitsConfig = z.infer<typeof knowledgeLimitsConfigSchema>;

export const configSchema = z
  .object({
    /** Where the SQLite file, models, datasets and runs live. */
    dataDir: z.string().min(1).default("./.alambique"),
    server: z
      .object({
        host: z.string().min(1).default("127.0.0.1"),
        port: z.int().min(0).max(65535).default(8787),
        limits: serverLimitsConfigSchema.optional(),
        /** How long a stopping server waits for requests that are not streams to finish, in ms. Default 10 000. */
        drainMs: z.int().min(0).optional(),
        /** Origins whose web pages may call the server (a chat widget on the business's site), or `*`. Default none. */
        corsOrigins: z
          .array(
            z
              .string()
              .refine(
                (origin) => origin === "*" || (URL.canParse(origin) && new URL(origin).origin === origin),
                "an origin is scheme://host[:port] with no path (https://shop.example), or *",
              ),
          )
          .optional(),
        /**
         * Behind a reverse proxy (nginx, Caddy, a load balancer): the proxies whose `X-Forwarded-For` is believed,
         * as Fastify's `trustProxy` takes them (`true`, or addresses and CIDRs). Without it every
         * visitor has the proxy's address, and per-address limits count them as one. Default: none.
         */
        trustProxy: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
        /**
         * Whether `serve` runs queued knowledge uploads (`ingest` jobs) itself, one at a time. Default true;
         * false (or `serve --no-ingest-runner`) when `alambique worker` processes run them.
         */
        ingestRunner: z.boolean().optional(),
        /** Visitor sessions (what a widget's public chat key gives each visitor): token lifetime and resume window. */
        visitorSessions: z
          .object({
            /** Seconds a visitor token is valid. Default 3 600. */
            ttlSeconds: z.int().min(60).max(86_400).optional(),
            /** Seconds after expiry during which a token still resumes its conversation. Default 2 592 000 (30 days). */
            resumeSeconds: z.int().min(0).max(31_536_000).optional(),
            /** Seconds a visitor lasts at most from its first session, however often resumed. Default 7 776 000 (90 days). */
            maxAgeSeconds: z.int().min(60).max(31_536_000).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ host: "127.0.0.1", port: 8787 }),
    store: z
      .object({
        /** A SQLite path (relative to dataDir) or `postgres://…`. Defaults to `<dataDir>/alambique.db`. */
        url: z.string().min(1).optional(),
        busyTimeoutMs: z.int().positive().default(5000),
        /** Apply pending schema migrations when a command opens the store. False: refuse until `alambique migrate`. */
        migrateOnStart: z.boolean().default(true),
      })
      .strict()
      .default({ busyTimeoutMs: 5000, migrateOnStart: true }),
    /** Ingesting documents into agents' knowledge. */
    knowledge: z.object({ limits: knowledgeLimitsConfigSchema.optional() }).strict().optional(),
    /** Models declared in the file, by catalog name. */
    models: z.record(z.string().regex(/^[a-zA-Z0-9][\w.:-]*$/), modelSourceConfigSchema).default({}),
    /** The catalog name used when a command or agent names none. */
    defaultModel: z.string().min(1).optional(),
    /** `students train --engine command`: the trainer sidecar (README, "Students"). */
    training: z
      .object({
        /**
         * The trainer's argv, run without a shell: `{job}` in an argument becomes the job folder (also in
         * `ALAMBIQUE_TRAINING_JOB`), e.g. `[ssh, gpu-box, ./train.sh, "{job}"]`.
         */
        command: z.array(z.string().min(1)).min(1).optional(),
        /** Seconds without a new progress line before the command is killed. Default 600. */
        progressTimeoutSeconds: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    log: z
      .object({
        level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
      })
      .strict()
      .default({ level: "info" }),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.infer<typeof configSchema>;
export type ModelSourceConfig = z.infer<typeof modelSourceConfigSchema>;

/** A loaded configuration: the values, where they came from, and resolved absolute paths. */
export interface ResolvedConfig extends Config {
  /** The file it was read from, or null when defaults and environment only. */
  file: string | null;
  /** Absolute data directory. */
  dataPath: string;
  /** The store URL after defaults and `DATABASE_URL`: an absolute SQLite path or `postgres://…`. */
  storeUrl: string;
}
