import type { FastifyInstance } from "fastify";
import { formatParam, RequestError } from "./request-error.js";

/**
 * The server's `application/json` body parser, in place of Fastify's. Both
 * refuse a `__proto__` key (and a `constructor` holding `prototype`): code
 * that copies such an object with `Object.assign` or a deep merge would set
 * the prototype of what it builds (prototype poisoning). Fastify's refusal
 * reads "not valid JSON", which sends a client looking for a syntax error;
 * this one says which key, where (`param`), and why.
 *
 * Refused rather than dropped: no legitimate client needs the key, and a
 * key silently removed from a spec or a message would be a surprise.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Throws `RequestError` 400 `invalid_json` for broken JSON, `forbidden_key` for a poisoning key. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") {
    throw new RequestError("the request body is empty: send a JSON value", { code: "invalid_json" });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RequestError(`the request body is not valid JSON: ${(error as Error).message}`, {
      code: "invalid_json",
    });
  }
  // Only text that could spell one of the keys (`\u005f` is an `_`) is walked.
  const path = /__proto__|constructor|\\u/i.test(text) ? poisoningKey(value) : undefined;
  if (path) {
    const key = path[path.length - 1] === "__proto__" ? "__proto__" : "constructor.prototype";
    throw new RequestError(
      `the key "${key}" is not allowed in a request body (at ${formatParam(path)}): objects built from it could get a different prototype; remove or rename it`,
      { code: "forbidden_key", param: formatParam(path) },
    );
  }
  return value;
}

interface Visit {
  node: unknown;
  key: string | number | undefined;
  parent: Visit | undefined;
}

/**
 * The path of the first `__proto__` key, or of a `prototype` key under
 * `constructor`. Iterative, each part's path kept as a link to its parent
 * (copying paths would be quadratic in the depth): JSON can nest deep.
 */
function poisoningKey(value: unknown): (string | number)[] | undefined {
  const stack: Visit[] = [{ node: value, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { node } = visit;
    if (typeof node !== "object" || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push({ node: node[i], key: i, parent: visit });
      continue;
    }
    if (Object.hasOwn(node, "__proto__")) return [...pathOf(visit), "__proto__"];
    const record = node as Record<string, unknown>;
    const ctor = Object.hasOwn(node, "constructor") ? record.constructor : undefined;
    if (typeof ctor === "object" && ctor !== null && Object.hasOwn(ctor, "prototype")) {
      return [...pathOf(visit), "constructor", "prototype"];
    }
    for (const [key, child] of Object.entries(record)) stack.push({ node: child, key, parent: visit });
  }
  return undefined;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
}
