import { RequestError } from "../request-error.js";
import type { RouteAccess } from "./request-auth.js";

/** 401 `invalid_api_key`: no key, or one that is unknown or revoked. Never echoes the secret. */
export function invalidApiKey(given: boolean): RequestError {
  return new RequestError(
    given
      ? "Incorrect API key provided, or the key was revoked"
      : "You didn't provide an API key: send it as `Authorization: Bearer alq_…` (or in `x-api-key`)",
    {
      code: "invalid_api_key",
      status: 401,
      hint: "`alambique serve` prints an admin key the first time; POST /api/keys creates more",
    },
  );
}

/** 401 `invalid_api_key` for a visitor token that expired, was changed, or is used from another site. */
export function invalidVisitorToken(): RequestError {
  return new RequestError("This visitor session has expired or is not valid here", {
    code: "invalid_api_key",
    status: 401,
    hint: "open a new one: POST /api/visitor-sessions with the site's chat key (send the old token as `resume` to keep the conversation)",
  });
}

/** 403 `insufficient_scope`: a valid key that may not call this route. */
export function insufficientScope(access: RouteAccess): RequestError {
  const needs =
    access === "operator"
      ? "an admin key of the default tenant (the operator of this server)"
      : access === "admin"
        ? "a key with the `admin` scope"
        : access === "visitor"
          ? "a visitor token (POST /api/visitor-sessions with a `chat` key gives one) or an admin key"
          : "a `chat` key (the public key of a web widget) or an admin key";
  return new RequestError(`This API key may not do this: it needs ${needs}`, {
    code: "insufficient_scope",
    status: 403,
  });
}
