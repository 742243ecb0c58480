import type { z } from "zod";
import type { RouteAccess } from "../auth/request-auth.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A request body as the OpenAPI document describes it. */
export interface BodyDoc {
  schema: z.ZodType;
  /** The content types accepted, the usual one first. Default `application/json`. */
  contentTypes?: readonly string[];
}

/**
 * One operation of the HTTP API, as the OpenAPI document describes it. The
 * `/api` routes are built from these (see `defineApiRoute`), so what is
 * documented is what is validated; the `/v1` routes are described by a table
 * of them beside their zod request schemas.
 */
export interface OperationDoc {
  method: HttpMethod;
  /** Fastify's form: `/api/agents/:name`. */
  path: string;
  /** Groups operations in the document (`agents`, `keys`, `OpenAI-compatible`). */
  tag: string;
  summary: string;
  description?: string;
  access: RouteAccess;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: BodyDoc;
  response: {
    /** Default 200. */
    status?: number;
    description: string;
    /** Absent: not described (e.g. an SSE stream or this document itself). */
    schema?: z.ZodType;
    /** Default `application/json`. */
    contentType?: string;
  };
  /** The error statuses the operation may answer with besides 401 and 403 (added for any non-public one). */
  errors: readonly number[];
}
