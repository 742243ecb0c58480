/** The errors of channels (see `channel.ts`); codes and statuses are in `error-codes.ts`. */
import { AlambiqueError, errorMarker, hasErrorMarker } from "./errors.js";

const signatureMarker = errorMarker("ChannelSignatureError");

/** A webhook that was not signed by the channel's provider: 401, nothing is stored. */
export class ChannelSignatureError extends AlambiqueError {
  readonly [signatureMarker] = true;
  constructor(message: string) {
    super(message, {
      code: "channel_signature_invalid",
      hint: "The provider signs with the channel's app secret (WhatsApp, Messenger, Instagram) or secret token (Telegram): check them with `alambique channels test`.",
    });
  }
  static override isInstance(value: unknown): value is ChannelSignatureError {
    return hasErrorMarker(value, signatureMarker);
  }
}

const sendMarker = errorMarker("ChannelSendError");

/**
 * A provider refused or failed to take a message. `retryable` for 429, 5xx
 * and network failures; `retryAfterMs` when the provider said how long to wait.
 */
export class ChannelSendError extends AlambiqueError {
  readonly [sendMarker] = true;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, { code: "channel_send_failed", retryable: options.retryable, cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
  static override isInstance(value: unknown): value is ChannelSendError {
    return hasErrorMarker(value, sendMarker);
  }
}

const windowMarker = errorMarker("ChannelWindowClosedError");

/** Each provider's window in words, and what staff can do instead of a free-form reply. */
const windows: Record<string, { rule: string; hint: string }> = {
  whatsapp: {
    rule: "WhatsApp allows free-form replies only within 24 hours of the customer's last message",
    hint: "Wait for the customer to write again, or reach them with an approved message template from WhatsApp Manager.",
  },
  messenger: {
    rule: "Messenger allows replies (standard messaging) only within 24 hours of the customer's last message",
    hint: "Wait for the customer to write again; Alambique sends no message tags (such as HUMAN_AGENT) outside the window.",
  },
  instagram: {
    rule: "Instagram allows replies (standard messaging) only within 24 hours of the customer's last message",
    hint: "Wait for the customer to write again; Alambique sends no message tags (such as HUMAN_AGENT) outside the window.",
  },
};

/** A channel's customer-service window is closed (WhatsApp: only approved templates may be sent, which we do not send). */
export class ChannelWindowClosedError extends AlambiqueError {
  readonly [windowMarker] = true;
  /** `kind`: the channel's kind, for the provider's own rule (default WhatsApp's). */
  constructor(lastCustomerMessageAt: string | undefined, kind = "whatsapp") {
    const { rule, hint } = windows[kind] ?? windows.whatsapp!;
    super(
      lastCustomerMessageAt
        ? `${rule} (${lastCustomerMessageAt}): this one would not be delivered`
        : `${rule}, and this customer has not written`,
      { code: "channel_window_closed", retryable: false, hint },
    );
  }
  static override isInstance(value: unknown): value is ChannelWindowClosedError {
    return hasErrorMarker(value, windowMarker);
  }
}

const keyMarker = errorMarker("SecretKeyMissingError");

/** Channel secrets need `ALAMBIQUE_SECRET_KEY` to be sealed or opened. */
export class SecretKeyMissingError extends AlambiqueError {
  readonly [keyMarker] = true;
  constructor(message: string) {
    super(message, {
      code: "secret_key_missing",
      retryable: false,
      hint: "Set ALAMBIQUE_SECRET_KEY to 32 random bytes in base64 (`openssl rand -base64 32`), the same on every replica, and restart the server.",
    });
  }
  static override isInstance(value: unknown): value is SecretKeyMissingError {
    return hasErrorMarker(value, keyMarker);
  }
}
