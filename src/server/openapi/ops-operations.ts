import { z } from "zod";
import type { OperationDoc } from "./operation-doc.js";

const tag = "operations";

/** `/healthz`, `/readyz` and `/metrics` (see `opsPlugin`), as the OpenAPI document lists them. */
export const opsOperations: readonly OperationDoc[] = [
  {
    method: "GET",
    path: "/healthz",
    tag,
    summary: "Liveness: the process answers",
    access: "public",
    response: {
      description: "Always, while the process runs",
      schema: z.object({ status: z.literal("ok") }),
    },
    errors: [],
  },
  {
    method: "GET",
    path: "/readyz",
    tag,
    summary: "Readiness: the store answers and the catalog's models can be resolved",
    description: "503 with the same body while not ready (a load balancer should stop sending requests).",
    access: "public",
    response: {
      description: "Ready; each check's result beside the status",
      schema: z.looseObject({ status: z.enum(["ready", "not_ready"]) }),
    },
    errors: [503],
  },
  {
    method: "GET",
    path: "/metrics",
    tag,
    summary: "Prometheus metrics: requests, latency histograms, tokens, queue depth, loaded models",
    access: "public",
    response: { description: "Prometheus text exposition format", contentType: "text/plain; version=0.0.4" },
    errors: [],
  },
];
