import { z } from "zod";
import { chatCompletionRequestSchema } from "../openai/chat-completion-request.js";
import { embeddingRequestSchema } from "../openai/embedding-request.js";
import type { OperationDoc } from "./operation-doc.js";

const tag = "OpenAI-compatible";

const modelSchema = z
  .object({ id: z.string(), object: z.literal("model"), created: z.int(), owned_by: z.string() })
  .meta({ id: "Model" });

/**
 * The `/v1` routes as the OpenAPI document lists them: their request bodies
 * are the zod schemas the routes validate with; their answers are OpenAI's
 * (see OpenAI's API reference), so only the small ones are spelt out here.
 * A `/v1` route missing from this table fails the OpenAPI test.
 */
export const v1Operations: readonly OperationDoc[] = [
  {
    method: "POST",
    path: "/v1/chat/completions",
    tag,
    summary: "Chat completion (OpenAI-compatible), plain or streamed",
    description:
      "As OpenAI's: `stream: true` answers with server-sent events (`chat.completion.chunk`, then `[DONE]`); tools, `tool_choice` and `response_format` (JSON schema) are honoured. A tool call is sent whole; one that `max_tokens` cuts short is not sent, and the answer finishes with `length`. `model: \"agent:<name>\"` runs an agent's turn: with `user` (or the `x-alambique-user` header) in that customer's stored conversation, without one statelessly, on the `messages` sent (`alambique.stateless`). A visitor token may call only its own agent, in its own conversation; catalog models need an admin key.",
    access: "visitor",
    body: { schema: chatCompletionRequestSchema.meta({ id: "ChatCompletionRequest" }) },
    response: { description: "A `chat.completion` object, or an SSE stream of `chat.completion.chunk`" },
    // 429: the tenant's daily tokens are spent or the model's queue is full (with Retry-After);
    // 503: the server is shutting down; 504: a non-streamed generation passed the request timeout.
    errors: [400, 404, 413, 415, 503, 504],
  },
  {
    method: "POST",
    path: "/v1/embeddings",
    tag,
    summary: "Embeddings (OpenAI-compatible)",
    access: "admin",
    body: { schema: embeddingRequestSchema.meta({ id: "EmbeddingRequest" }) },
    response: { description: "A list of `embedding` objects, as OpenAI's" },
    errors: [400, 404, 413, 415, 503],
  },
  {
    method: "GET",
    path: "/v1/models",
    tag,
    summary: "The models this server serves",
    access: "admin",
    response: {
      description: "The catalog",
      schema: z.object({ object: z.literal("list"), data: z.array(modelSchema) }),
    },
    errors: [],
  },
  {
    method: "GET",
    path: "/v1/models/:model",
    tag,
    summary: "One model",
    access: "admin",
    params: z.object({ model: z.string() }),
    response: { description: "The model", schema: modelSchema },
    errors: [404],
  },
];
