import { randomUUID } from "node:crypto";
import type { Channel, ChannelCheck, ChannelWatch, OutboundMessage } from "../../spec/channel.js";
import { ChannelSignatureError } from "../../spec/channel-errors.js";
import { ValidationError } from "../../spec/errors.js";
import type { EmailSecrets, EmailSettings } from "./email-settings.js";
import { replySubject, toEmailText } from "./email-text.js";
import { EmailWatch, type EmailWatchOptions } from "./email-watch.js";
import { findThread } from "./find-thread.js";
import { closeImap, openImap } from "./imap-connection.js";
import { describeMailFailure, sendFailure } from "./mail-failure.js";
import { smtpTransport } from "./smtp-transport.js";

/**
 * E-mail: customers write to a mailbox, read over IMAP (`watch`: IDLE with
 * polling), and are answered over SMTP in the same thread (In-Reply-To and
 * References of their latest mail, "Re:" subject). There is no webhook:
 * `verify` refuses every request and `parse` every body. Answers are plain
 * text with the settings' signature, marked `Auto-Submitted: auto-replied`
 * (RFC 3834) so that other robots do not answer them; see `loop-guard.ts`
 * for the mail that is never answered.
 */
export class EmailChannel implements Channel {
  readonly kind = "email" as const;
  readonly limits = {
    maxTextChars: 40_000,
    maxQuickReplies: 5,
    maxQuickReplyChars: 80,
    sendsPerSecond: 2,
  };

  constructor(
    private readonly settings: EmailSettings,
    private readonly secrets: EmailSecrets,
  ) {}

  verify(): void {
    throw new ChannelSignatureError("an e-mail channel has no webhook: its mail is read over IMAP");
  }

  parse(): never {
    throw new ValidationError("an e-mail channel has no webhook: its mail is read over IMAP", [
      { path: ["body"], message: "not accepted by an e-mail channel" },
    ]);
  }

  render(markdown: string): string {
    return toEmailText(markdown, this.settings.signature);
  }

  watch(options: EmailWatchOptions): ChannelWatch {
    return new EmailWatch(this.settings, this.secrets, options);
  }

  /**
   * Sends one mail to the contact, in the thread of their latest mail in the
   * mailbox (found over IMAP; a new thread when there is none). Quick replies
   * are listed under the text, media given by its URL. Throws ChannelSendError:
   * retryable for a network failure or a 4xx SMTP answer, not for a refused
   * login or a 5xx (a rejected recipient).
   */
  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    let thread: Awaited<ReturnType<typeof findThread>>;
    try {
      const client = await openImap(this.settings, this.secrets);
      try {
        thread = await findThread(client, {
          mailbox: this.settings.mailbox,
          contact: message.contactId,
          ownAddress: this.settings.address,
        });
      } finally {
        await closeImap(client);
      }
    } catch (error) {
      throw sendFailure(error, "IMAP", "the thread could not be looked up");
    }
    const domain = this.settings.address.split("@")[1] ?? "alambique.invalid";
    const messageId = `<${randomUUID()}@${domain}>`;
    const extras = [
      message.quickReplies?.length ? message.quickReplies.map((reply) => `- ${reply}`).join("\n") : "",
      message.media ? message.media.url : "",
    ].filter((part) => part !== "");
    // Above the signature: mail clients fold what follows the "-- " line.
    const cut = message.text.lastIndexOf("\n\n-- \n");
    const [body, signature] =
      cut >= 0 ? [message.text.slice(0, cut), message.text.slice(cut)] : [message.text, ""];
    const text = extras.length ? `${body}\n\n${extras.join("\n\n")}${signature}` : message.text;
    const transport = await smtpTransport(this.settings, this.secrets);
    try {
      await transport.sendMail({
        from: this.settings.fromName
          ? { name: this.settings.fromName, address: this.settings.address }
          : this.settings.address,
        to: message.contactId,
        subject: replySubject(thread?.subject, this.settings.subject),
        text,
        messageId,
        ...(thread
          ? { inReplyTo: thread.messageId, references: [...thread.references, thread.messageId].slice(-20) }
          : {}),
        headers: { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" },
      });
    } catch (error) {
      throw sendFailure(error, "SMTP", "the mail was not sent");
    } finally {
      transport.close();
    }
    return { providerMessageId: messageId };
  }

  /** Logs in to IMAP and opens the mailbox, then logs in to SMTP; each problem says what to change. */
  async check(): Promise<ChannelCheck> {
    const details: Record<string, string> = {};
    const problems: string[] = [];
    const { imapHost, imapPort, smtpHost, smtpPort, mailbox } = this.settings;
    try {
      const client = await openImap(this.settings, this.secrets);
      try {
        const status = await client.status(mailbox, { messages: true });
        details.imap = `${imapHost}:${imapPort}, ${mailbox} (${status ? (status.messages ?? 0) : 0} messages)`;
      } catch (error) {
        const list = await client.list().catch(() => []);
        problems.push(
          `the mailbox ${mailbox} was not found on ${imapHost} (${(error as Error).message}); settings.mailbox may be one of: ${list
            .map((m) => m.path)
            .slice(0, 10)
            .join(", ")}`,
        );
      } finally {
        await closeImap(client);
      }
    } catch (error) {
      problems.push(describeMailFailure(error, "IMAP", `${imapHost}:${imapPort}`));
    }
    const transport = await smtpTransport(this.settings, this.secrets);
    try {
      await transport.verify();
      details.smtp = `${smtpHost}:${smtpPort}`;
    } catch (error) {
      problems.push(describeMailFailure(error, "SMTP", `${smtpHost}:${smtpPort}`));
    } finally {
      transport.close();
    }
    return { ok: problems.length === 0, details: problems.length ? {} : details, problems };
  }
}
