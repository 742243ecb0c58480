import { ChannelSendError } from "../../spec/channel-errors.js";

interface MailError {
  message?: string;
  code?: string;
  responseCode?: number;
  authenticationFailed?: boolean;
  response?: string;
}

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNECTION",
  "ESOCKET",
  "EDNS",
  "NoConnection",
  "ConnectionTimeout",
  "GreetingTimeout",
]);

function isAuthFailure(error: MailError): boolean {
  return error.authenticationFailed === true || error.code === "EAUTH" || error.responseCode === 535;
}

/** A failed IMAP or SMTP call in words a person can act on: which setting or secret to check. */
export function describeMailFailure(error: unknown, protocol: "IMAP" | "SMTP", where: string): string {
  const e = (error ?? {}) as MailError;
  const secret = protocol === "IMAP" ? "secrets.imapPassword" : "secrets.smtpPassword (or imapPassword)";
  if (isAuthFailure(e)) {
    return `${protocol} login at ${where} was refused: the user or password is wrong, revoked or expired (check settings.${protocol.toLowerCase()}User and ${secret}; some providers need an app password)`;
  }
  const detail = e.code ? `${e.code}: ${e.message ?? ""}`.trim() : (e.message ?? String(error));
  if (/certificate|ssl|tls|wrong version number/i.test(detail)) {
    return `${protocol} at ${where} failed its TLS handshake (${detail}): check settings.${protocol.toLowerCase()}Security (tls for 993/465, starttls for 143/587)`;
  }
  if (e.code && networkCodes.has(e.code)) {
    return `${protocol} server ${where} could not be reached (${detail}): check settings.${protocol.toLowerCase()}Host, ${protocol.toLowerCase()}Port and ${protocol.toLowerCase()}Security`;
  }
  return `${protocol} at ${where} failed: ${detail}`;
}

/**
 * A ChannelSendError for a failed lookup or send: retryable for the network
 * and for SMTP 4xx answers (the server says "later"), not for a refused
 * login or a 5xx (a refused recipient or message), which waiting cannot fix.
 */
export function sendFailure(error: unknown, protocol: "IMAP" | "SMTP", what: string): ChannelSendError {
  const e = (error ?? {}) as MailError;
  const status = e.responseCode;
  const retryable = isAuthFailure(e) ? false : status !== undefined ? status < 500 : true;
  return new ChannelSendError(`${what}: ${describeMailFailure(error, protocol, protocol)}`, {
    retryable,
    cause: error,
  });
}
