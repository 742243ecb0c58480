import type { IncomingHttpHeaders } from "node:http";

/**
 * The secret a request presents: `Authorization: Bearer <secret>` (the scheme
 * in any case, as OpenAI's clients send it), else `x-api-key: <secret>`.
 * Undefined when neither header carries one. Never read from the URL: query
 * strings end up in access logs and browser histories.
 */
export function readApiKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === "string") {
    const match = /^bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1]) return match[1];
  }
  const header = headers["x-api-key"];
  const value = Array.isArray(header) ? header[0] : header;
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
