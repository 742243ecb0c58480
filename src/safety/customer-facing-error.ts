import { AlambiqueError, errorMarker, hasErrorMarker } from "../spec/errors.js";

const marker = errorMarker("CustomerFacingError");

/**
 * A failure told in words written for the customer: polite, in their
 * language, with no internal detail (no URL, host, path or stack). The
 * failure itself — with all its detail, for the log — is the `cause`; the
 * `code`, `status` and `retryable` are the cause's when it is an
 * `AlambiqueError`, so that a client can still branch on them.
 *
 * The server shows `message` (and a request id, in `language`: see
 * `withRequestId`) where it shows no other 5xx message.
 */
export class CustomerFacingError extends AlambiqueError {
  readonly [marker] = true;
  readonly language: string;

  constructor(message: string, options: { language: string; cause: unknown }) {
    const known = AlambiqueError.isInstance(options.cause) ? options.cause : undefined;
    super(message, {
      code: known?.code ?? "turn_failed",
      status: known?.status ?? 500,
      retryable: known?.retryable ?? true,
      cause: options.cause,
    });
    this.language = options.language;
  }

  static override isInstance(value: unknown): value is CustomerFacingError {
    return hasErrorMarker(value, marker);
  }
}

const reference: Record<string, string> = { es: "referencia", en: "request id" };

/** `message` followed by the request id a customer can quote to the business, labelled in `language`. */
export function withRequestId(message: string, requestId: string | undefined, language = "en"): string {
  if (requestId === undefined) return message;
  return `${message} (${reference[language] ?? reference.en}: ${requestId})`;
}
