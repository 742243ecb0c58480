import { tmpdir } from "node:os";
import { join } from "node:path";
import { AlambiqueError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";
import type { RequestAuth } from "../auth/request-auth.js";
import { RequestError } from "../request-error.js";
import { isOperator } from "./is-operator.js";

/**
 * Who may add to the model catalog: the operator only (an admin key of the
 * default tenant). The catalog is the server's, one for every tenant, and each
 * way in reaches past a tenant's own data: a GGUF path reads the server's
 * disk, an engine URL (and its test) makes the server call any host, its
 * internal network included, with a key from the server's environment, and a
 * Hugging Face download writes gigabytes to the server's disk under a name
 * every tenant then sees. A tenant's admin reads the catalog (`GET /api/models`)
 * and picks from it.
 *
 * Throws 403 `operator_only` naming `param`, the field that asked for it.
 */
export async function refuseUnlessOperator(store: Store, auth: RequestAuth, param: string): Promise<void> {
  if (await isOperator(store, auth)) return;
  throw new RequestError("only the server's operator may add models to its catalog", {
    code: "operator_only",
    status: 403,
    param,
    hint: "the catalog is shared by every tenant of this server: ask its operator (an admin key of the default tenant) to add the model; GET /api/models lists what there is",
  });
}

/**
 * The error of adding a model, as the operator who asked should read it, on
 * the field at fault (`param`). A hub or engine that does not answer is a 5xx
 * to the CLI (`download_failed`, `engine_unreachable`: 502), and the server's
 * error handler answers 5xx with a polite message only; here the caller gave
 * the address and needs the reason, so it becomes a 422 with its own code,
 * message and hint. Anything not an AlambiqueError is returned as it is.
 */
export function onField(error: unknown, param: string): unknown {
  if (!AlambiqueError.isInstance(error) || RequestError.isInstance(error)) return error;
  if (error.code === "internal_error") return error;
  return new RequestError(error.message, {
    code: error.code,
    status: error.status >= 500 ? 422 : error.status,
    param,
    ...(error.hint ? { hint: error.hint } : {}),
    cause: error,
  });
}

/** Where Hugging Face downloads go when the server was given no `modelsDir` (`serve` gives `<data>/models`). */
export const defaultModelsDir = join(tmpdir(), "alambique-models");

/** 409 `model_exists` when the catalog has the name or a download is adding it (`downloading`), before any work. */
export async function refuseTakenName(store: Store, name: string, downloading = false): Promise<void> {
  if (!downloading && !(await store.models.get(name))) return;
  throw new RequestError(
    downloading
      ? `a download is already adding the model \`${name}\``
      : `the catalog has a model named \`${name}\` already`,
    {
      code: "model_exists",
      status: 409,
      param: "name",
      hint: "choose another name, or remove the other one first (`alambique models remove NAME`)",
    },
  );
}
