import { isIP } from "node:net";
import { z } from "zod";

/**
 * How a connection is protected: `tls` from the first byte (IMAP 993, SMTP
 * 465), `starttls` upgraded and required (SMTP 587, IMAP 143), `none` only
 * to this machine (a local relay or test server), since a password would
 * otherwise cross the network in clear.
 */
const security = z.enum(["tls", "starttls", "none"]);
const host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, "a host name or IP address");
const port = z.coerce.number().int().min(1).max(65535);

export const emailSettingsSchema = z
  .strictObject({
    /** The mailbox the customers write to, and the From of every answer. */
    address: z.email(),
    /** The From name, e.g. "Panadería La Espiga". */
    fromName: z.string().max(100).optional(),
    imapHost: host,
    imapPort: port.default(993),
    imapSecurity: security.default("tls"),
    /** The IMAP login; the address when absent. */
    imapUser: z.string().max(320).optional(),
    mailbox: z.string().min(1).max(200).default("INBOX"),
    smtpHost: host,
    smtpPort: port.default(465),
    smtpSecurity: security.default("tls"),
    /** The SMTP login; the IMAP login when absent. */
    smtpUser: z.string().max(320).optional(),
    /** Plain text put under every answer, after the "-- " line. */
    signature: z.string().max(1000).optional(),
    /** The subject of a message that starts a thread (a reply keeps the customer's, with "Re:"). */
    subject: z.string().max(200).default("Your message"),
    /** How often the mailbox is read when the server has no IDLE, or after a missed notice, in seconds. */
    pollSeconds: z.coerce.number().int().min(5).max(3600).default(60),
    /** Messages accepted from one address per hour; more are left unanswered (two auto-responders cannot ping-pong). */
    maxPerContactPerHour: z.coerce.number().int().min(1).max(1000).default(10),
  })
  .refine((s) => s.imapSecurity !== "none" || isLoopback(s.imapHost), {
    path: ["imapSecurity"],
    message:
      "none is allowed only for a server on this machine (127.0.0.1, ::1, localhost): use tls or starttls",
  })
  .refine((s) => s.smtpSecurity !== "none" || isLoopback(s.smtpHost), {
    path: ["smtpSecurity"],
    message:
      "none is allowed only for a server on this machine (127.0.0.1, ::1, localhost): use tls or starttls",
  });

export const emailSecretsSchema = z.strictObject({
  imapPassword: z.string().min(1).max(1000),
  /** The IMAP password when absent. */
  smtpPassword: z.string().min(1).max(1000).optional(),
});

export type EmailSettings = z.output<typeof emailSettingsSchema>;
export type EmailSecrets = z.output<typeof emailSecretsSchema>;

function isLoopback(name: string): boolean {
  const bare = name.replace(/^\[|\]$/g, "");
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1";
}
