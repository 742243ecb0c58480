import type { Transporter } from "nodemailer";
import type { EmailSecrets, EmailSettings } from "./email-settings.js";

/**
 * The channel's SMTP submission: `tls` from the first byte (465), `starttls`
 * required (587: a server that does not upgrade is refused), `none` only to
 * this machine (the settings refuse it elsewhere). One connection per send:
 * answers are few, and a pooled connection would outlive a changed password.
 */
export async function smtpTransport(settings: EmailSettings, secrets: EmailSecrets): Promise<Transporter> {
  // Loaded on first use, like the IMAP client: only servers with an e-mail channel pay for it.
  const { createTransport } = await import("nodemailer");
  return createTransport({
    host: settings.smtpHost,
    port: settings.smtpPort,
    secure: settings.smtpSecurity === "tls",
    requireTLS: settings.smtpSecurity === "starttls",
    ignoreTLS: settings.smtpSecurity === "none",
    auth: {
      user: settings.smtpUser ?? settings.imapUser ?? settings.address,
      pass: secrets.smtpPassword ?? secrets.imapPassword,
    },
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}
