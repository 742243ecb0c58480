import { z } from "zod";
import { MIN_DISTILL_ROWS } from "../../distill/loop/distill-job-payload.js";
import { enqueueDistillJob } from "../../distill/loop/enqueue-distill-job.js";
import type { SynthModelSource } from "../../distill/pipeline/load-synth-context.js";
import { AlambiqueError } from "../../spec/errors.js";
import type { ModelRecord } from "../../spec/store.js";
import { RequestError } from "../request-error.js";
import type { ApiDeps } from "./api-deps.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";
import { distillJobSchema, toDistillJob } from "./distill-job-view.js";
import { findAgent } from "./find-agent.js";

const catalogName = z.string().trim().min(1).max(200);
const count = (max: number) => z.int().min(1).max(max);

/**
 * What `alambique distill` takes, as a body. The models are catalog names
 * only, never paths: a tenant does not choose files on the server. The
 * bounds keep one request from queuing days of work; the CLI has none.
 * `--allow-license` is not offered: overriding a licence is the operator's
 * decision, taken on the command line.
 */
export const startDistillLoopSchema = z
  .object({
    agent: z.string().trim().min(1).max(200).meta({ description: "The agent's name" }),
    teacher: catalogName.meta({
      description:
        "Catalog model that writes the data and is the reference; its licence must let its outputs train",
    }),
    base: catalogName.meta({
      description: "Catalog model the student starts from: a local F32 GGUF with a chat template",
    }),
    student: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, "1 to 64 letters, digits, '.', '_' or '-'")
      .optional()
      .meta({
        description: "The student's catalog name; default AGENT-student, or the first free AGENT-student-N",
      }),
    judge: catalogName
      .optional()
      .meta({ description: "Filters the rows and judges the evaluation; default the teacher" }),
    rows: z
      .int()
      .min(MIN_DISTILL_ROWS)
      .max(100_000)
      .optional()
      .meta({ description: "Synthetic rows; default 500" }),
    epochs: count(100).optional(),
    contextLength: count(32_768).optional().meta({ description: "Tokens per training window; default 512" }),
    repeats: count(10).optional().meta({ description: "Evaluation runs of every turn per model; default 1" }),
    maxTokens: count(8_192).optional(),
    seed: z
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .strict()
  .meta({ id: "StartDistillLoop" });

export const startedDistillLoopSchema = z
  .object({
    job: distillJobSchema,
    warnings: z
      .array(z.string())
      .meta({ description: "What the licences ask of the student (attribution, unknown terms)" }),
  })
  .meta({ id: "StartedDistillLoop" });

/**
 * `POST /api/distill/loops`: starts a distillation loop as `alambique
 * distill` does — the same checks (`enqueueDistillJob`: the agent's
 * knowledge, the base trains, the name is free, the teacher's and base's
 * licences allow the student) and the same `distill` job, queued for
 * `alambique worker`. Nothing is stored when a check refuses.
 */
export function distillLoopsRoute({ store, models, modelsDir }: ApiDeps): ApiRoute {
  return defineApiRoute({
    method: "POST",
    path: "/api/distill/loops",
    tag: "distill",
    summary: "Start a distillation loop",
    description:
      "Operator only (403 `insufficient_scope` for another tenant's key): the student joins the server-wide catalog and the teacher runs on the operator's engines. Queues a `distill` job (synthetic data → freeze → train → evaluate → promote if the gate passes) for `alambique worker`, after the checks `alambique distill` makes. The models are names from `GET /api/models`.",
    // Operator only until a student record carries its owning tenant: a tenant's student would be listed
    // and served to every tenant (it learnt that tenant's documents), its name could squat a catalog name,
    // and the teacher's tokens are not charged to any tenant's budget (found in review).
    access: "operator",
    body: { schema: startDistillLoopSchema },
    response: { status: 201, description: "The loop, queued", schema: startedDistillLoopSchema },
    errors: [400, 403, 404, 422, 503],
    async handler({ auth, body }) {
      const agent = await findAgent(store, auth.tenantId, body.agent);
      if (modelsDir === undefined) {
        throw new AlambiqueError("this server cannot start distillation loops: it has no models folder", {
          code: "distill_unavailable",
          status: 503,
          retryable: false,
          hint: "serve with `alambique serve` (its models folder is the data folder's `models/`), or run `alambique distill` there",
        });
      }
      const catalog = await models.list();
      for (const role of ["teacher", "base", "judge"] as const) {
        const name = body[role];
        if (name !== undefined) catalogModel(catalog, name, role);
      }
      const source: SynthModelSource = {
        languageModel: (name) => models.languageModel(name),
        embeddingModel: (name) => models.embeddingModel(name),
        list: async () => catalog,
        find: async (name) => catalogModel(catalog, name, "model"),
      };
      const { student, judge, rows, epochs, contextLength, repeats, maxTokens, seed } = body;
      const queued = await enqueueDistillJob(store, source, {
        tenantId: auth.tenantId,
        modelsDir,
        agent: agent.id,
        teacher: body.teacher,
        base: body.base,
        ...defined({ student, judge, rows, epochs, contextLength, repeats, maxTokens, seed }),
        actor: `api key ${auth.keyId}`,
      }).catch((error: unknown) => {
        throw forApi(error);
      });
      return { job: toDistillJob(queued.job), warnings: queued.warnings };
    },
  });
}

/**
 * A licence refusal with what this API offers: another teacher or base (the
 * CLI's hint names `--allow-license`, which only the operator may pass).
 */
function forApi(error: unknown): unknown {
  if (!AlambiqueError.isInstance(error) || error.code !== "license_forbids_training") return error;
  return new AlambiqueError(error.message, {
    code: error.code,
    status: 403,
    retryable: false,
    hint: "choose a teacher whose outputs may train other models (GET /api/models: outputsMayTrain); an operator who holds permission starts it with `alambique distill … --allow-license ID`",
    cause: error,
  });
}

/** Throws RequestError 404 `model_not_found` naming the field, with the catalog's names. */
function catalogModel(catalog: ModelRecord[], name: string, role: string): ModelRecord {
  const found = catalog.find((m) => m.name === name);
  if (found) return found;
  const names = catalog.map((m) => m.name);
  throw new RequestError(`${role} ${name} is not in the model catalog`, {
    code: "model_not_found",
    status: 404,
    param: role === "model" ? null : role,
    hint: names.length
      ? `choose one of GET /api/models: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}`
      : "the catalog is empty: the operator adds models with `alambique models add`",
  });
}

function defined<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as never;
}
