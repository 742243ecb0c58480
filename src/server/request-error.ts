import { AlambiqueError, type ErrorCode, errorMarker, hasErrorMarker } from "../spec/errors.js";

const marker = errorMarker("RequestError");

/**
 * An error the server answers a request with, naming the request field at
 * fault (`param`, as OpenAI's error shape has it: `messages[0].content`,
 * `model`). Raised for client mistakes that are not schema violations, such
 * as an unknown model or a tool result that answers no tool call.
 */
export class RequestError extends AlambiqueError {
  readonly [marker] = true;
  readonly param: string | null;

  constructor(
    message: string,
    options: { code: ErrorCode; status?: number; param?: string | null; hint?: string; cause?: unknown },
  ) {
    super(message, {
      code: options.code,
      status: options.status ?? 400,
      retryable: false,
      hint: options.hint,
      cause: options.cause,
    });
    this.param = options.param ?? null;
  }

  static override isInstance(value: unknown): value is RequestError {
    return hasErrorMarker(value, marker);
  }
}

/** `["messages", 0, "content"]` → `messages[0].content`, the way OpenAI names request fields. */
export function formatParam(path: readonly PropertyKey[]): string | null {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? null : out;
}
