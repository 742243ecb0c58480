import type { ImapFlow } from "imapflow";
import type { EmailSecrets, EmailSettings } from "./email-settings.js";

/**
 * A connected, logged-in IMAP client for the channel's mailbox (not yet
 * opened). `tls` is TLS from the first byte; `starttls` refuses a server
 * that does not upgrade (no silent fall back to clear text); `none` is
 * allowed by the settings only on this machine. Throws imapflow's errors
 * (`authenticationFailed` for a refused login; `code` for a network failure).
 */
export async function openImap(
  settings: EmailSettings,
  secrets: EmailSecrets,
  options: { idle?: boolean } = {},
): Promise<ImapFlow> {
  // Loaded on first use: only servers with an e-mail channel pay for the IMAP client (about a second to import).
  const { ImapFlow } = await import("imapflow");
  const client = new ImapFlow({
    host: settings.imapHost,
    port: settings.imapPort,
    secure: settings.imapSecurity === "tls",
    doSTARTTLS:
      settings.imapSecurity === "starttls" ? true : settings.imapSecurity === "none" ? false : undefined,
    auth: { user: settings.imapUser ?? settings.address, pass: secrets.imapPassword },
    logger: false,
    disableAutoIdle: !options.idle,
    // IDLE right after each command, so that new mail is noticed at once; a server without IDLE is polled.
    autoIdleDelay: 200,
    missingIdleCommand: "NOOP",
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    clientInfo: { name: "alambique" },
  } as ConstructorParameters<typeof ImapFlow>[0]);
  // An error after connecting (a dropped socket) is also reported by `close`, which the watcher handles.
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** Logs out, or drops the socket when the server does not answer. Never throws. */
export async function closeImap(client: ImapFlow): Promise<void> {
  try {
    if (client.usable) await Promise.race([client.logout(), new Promise((r) => setTimeout(r, 2000))]);
  } catch {
    // already gone
  }
  client.close();
}
