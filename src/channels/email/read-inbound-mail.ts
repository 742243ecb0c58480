import { createHash } from "node:crypto";
import type { ParsedMail } from "mailparser";
import type { InboundMessage, UnsupportedKind } from "../../spec/channel.js";
import { automatedReason } from "./loop-guard.js";
import { stripQuoted } from "./strip-quoted.js";

/** Where a customer's mail sits in its thread: what an answer must point to. */
export interface MailThread {
  /** The customer's Message-ID, with its angle brackets. */
  messageId: string;
  /** Its References, oldest first, each with angle brackets. */
  references: string[];
  subject: string | undefined;
}

export type MailReading =
  | { kind: "message"; event: InboundMessage; thread: MailThread }
  | { kind: "ignored"; reason: string; contact: string | undefined };

/**
 * One raw mail (RFC 5322) as the agent should read it, or why it is left
 * unanswered (a machine wrote it, or it came from this mailbox itself).
 * The contact is the Reply-To address, else the From, in lower case: one
 * conversation per address. The agent reads the subject of a new thread and
 * the customer's words without the quoted history; HTML mail is read as its
 * text. The Message-ID is the provider id (redeliveries share it); a mail
 * without one is known by a hash of its bytes.
 */
export async function readInboundMail(
  raw: Buffer,
  options: { ownAddress: string; receivedAt?: Date },
): Promise<MailReading> {
  // Loaded on first use: only servers with an e-mail channel pay for the parser.
  const { simpleParser } = await import("mailparser");
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const contact = addressOf(mail.replyTo) ?? addressOf(mail.from);
  const reason = automatedReason(mail, contact);
  if (reason) return { kind: "ignored", reason, contact };
  if (!contact) return { kind: "ignored", reason: "no sender address", contact };
  if (
    contact === options.ownAddress.toLowerCase() ||
    addressOf(mail.from) === options.ownAddress.toLowerCase()
  )
    return { kind: "ignored", reason: "sent by this mailbox", contact };
  const messageId = mail.messageId ?? `<sha256.${createHash("sha256").update(raw).digest("hex")}@alambique>`;
  const body = stripQuoted(mail.text ?? "");
  const subject = mail.subject?.trim();
  const isReply = subject !== undefined && /^(re|aw|sv|rv|r)\s*:/i.test(subject);
  const text = [isReply || !subject ? "" : subject, body].filter((part) => part !== "").join("\n\n");
  const attachment = mail.attachments.find((a) => a.contentDisposition !== "inline" || !a.related);
  const fromName = mail.from?.value[0]?.name?.trim();
  const event: InboundMessage = {
    type: "message",
    providerMessageId: messageId,
    contactId: contact,
    ...(fromName ? { contactName: fromName } : {}),
    sentAt: (mail.date ?? options.receivedAt ?? new Date()).toISOString(),
    text: body === "" && attachment ? "" : text,
    ...(body === "" && attachment ? { unsupported: attachmentKind(attachment.contentType) } : {}),
  };
  return {
    kind: "message",
    event,
    thread: { messageId, references: referencesOf(mail), subject },
  };
}

function addressOf(field: ParsedMail["from"] | ParsedMail["replyTo"]): string | undefined {
  const first = (Array.isArray(field) ? field[0] : field)?.value[0]?.address;
  return first ? first.trim().toLowerCase() : undefined;
}

function referencesOf(mail: ParsedMail): string[] {
  const references = mail.references === undefined ? [] : [mail.references].flat();
  return references.flatMap((value) => value.split(/\s+/)).filter((id) => /^<[^<>\s]+>$/.test(id));
}

function attachmentKind(contentType: string): UnsupportedKind {
  const [type] = contentType.toLowerCase().split("/");
  if (type === "image" || type === "audio" || type === "video") return type;
  return "document";
}
