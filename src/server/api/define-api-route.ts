import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { invalidApiKey } from "../auth/auth-errors.js";
import type { RequestAuth } from "../auth/request-auth.js";
import type { BodyDoc, OperationDoc } from "../openapi/operation-doc.js";
import { parseBody } from "../parse-body.js";
import { RequestError } from "../request-error.js";

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
 * field; a query parameter the route does not take is refused too, see
 * `refuseUnknownQuery`), the handler runs with the caller's `auth`, and what it returns is
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
            query: parseQuery(definition.query, request.query),
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

/** The route's query, validated; 400 for any parameter its schema does not name (see `refuseUnknownQuery`). */
function parseQuery(schema: z.ZodObject | undefined, query: unknown): unknown {
  const given = typeof query === "object" && query !== null ? (query as Record<string, unknown>) : {};
  refuseUnknownQuery(Object.keys(given), schema ? Object.keys(schema.shape) : []);
  return schema ? parseBody(schema, given) : undefined;
}

/**
 * A query parameter the route does not take is a mistake (`?since=` for a
 * filter that does not exist, `?stauts=`), not something to ignore: ignored,
 * it would answer as if there were no filter at all. Throws a 400
 * `invalid_request` naming the parameter (`param`) and the ones the route takes.
 */
export function refuseUnknownQuery(given: readonly string[], allowed: readonly string[]): void {
  const unknown = given.find((name) => !allowed.includes(name));
  if (unknown === undefined) return;
  const name = unknown.length > 64 ? `${unknown.slice(0, 64)}…` : unknown;
  const takes =
    allowed.length === 0
      ? "this route takes no query parameters"
      : `this route takes ${allowed.map((a) => `\`${a}\``).join(", ")}`;
  throw new RequestError(`unknown query parameter \`${name}\`: ${takes}`, {
    code: "invalid_request",
    param: name,
    ...(allowed.length === 0 ? { hint: "remove the query string" } : {}),
  });
}
