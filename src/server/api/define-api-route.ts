import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { invalidApiKey } from "../auth/auth-errors.js";
import type { RequestAuth } from "../auth/request-auth.js";
import type { BodyDoc, OperationDoc } from "../openapi/operation-doc.js";
import { parseBody } from "../parse-body.js";

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ApiContext<P, Q, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  /** The JSON body, validated (`body` routes); `request.body` as parsed when the route reads it itself. */
  body: Parsed<B>;
  /** The caller: every store call of the handler is scoped to `auth.tenantId`. */
  auth: RequestAuth;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** An `/api` operation: its documentation, which is also its validation, and its handler. */
export interface ApiRoute extends OperationDoc {
  register(app: FastifyInstance): void;
}

export interface ApiRouteDefinition<
  P extends z.ZodObject | undefined,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
> extends Omit<OperationDoc, "params" | "query" | "body" | "response" | "access"> {
  /** Every `/api` route needs a key; see `RouteAccess`. */
  access: "chat" | "visitor" | "admin" | "operator";
  params?: P;
  query?: Q;
  /** A JSON body, validated with `schema` before the handler runs. */
  body?: { schema: B };
  /** A body the handler reads itself (YAML, multipart), documented but not validated here. */
  rawBody?: BodyDoc;
  response: Omit<OperationDoc["response"], "schema"> & { schema: R };
  handler(context: ApiContext<P, Q, B>): Promise<z.input<R>>;
}

/**
 * Builds an `/api` route from its definition: path parameters, query and
 * JSON body are validated with their zod schemas (400 with `param` naming the
 * field), the handler runs with the caller's `auth`, and what it returns is
 * parsed with the response schema before it is sent, so that a field the
 * schema does not name (a secret's hash, an internal column) can never leave.
 */
export function defineApiRoute<
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
>(definition: ApiRouteDefinition<P, Q, B, R>): ApiRoute {
  const { handler, rawBody, body, ...doc } = definition;
  const documentedBody: BodyDoc | undefined = body?.schema ? { schema: body.schema } : rawBody;
  return {
    ...doc,
    ...(documentedBody ? { body: documentedBody } : {}),
    register(app) {
      app.route({
        method: definition.method,
        url: definition.path,
        config: { access: definition.access },
        handler: async (request, reply) => {
          if (!request.auth) throw invalidApiKey(false);
          // Before the handler, so that it can answer otherwise (`201` when it created something).
          reply.status(definition.response.status ?? 200);
          const context = {
            params: definition.params ? parseBody(definition.params, request.params) : undefined,
            query: definition.query ? parseBody(definition.query, request.query ?? {}) : undefined,
            body: body?.schema ? parseBody(body.schema, request.body) : request.body,
            auth: request.auth,
            request,
            reply,
          } as ApiContext<P, Q, B>;
          const result = await handler(context);
          return definition.response.schema.parse(result);
        },
      });
    },
  };
}
