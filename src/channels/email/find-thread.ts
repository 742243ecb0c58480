import type { ImapFlow } from "imapflow";
import { type MailThread, readInboundMail } from "./read-inbound-mail.js";

/** How many of the newest mails matching the address are read to find the contact's latest own message. */
const LOOK_BACK = 10;

/**
 * The thread an answer to `contact` belongs in: the newest mail in the
 * mailbox whose contact (Reply-To, else From) is exactly that address and
 * that a person wrote (auto-replies and bounces are passed over). The mailbox
 * is the thread's memory, so a person's reply from the desk threads like the
 * agent's answers, whichever replica sends it. Undefined when there is none
 * (the mail was moved away): the answer then starts a thread of its own.
 */
export async function findThread(
  client: ImapFlow,
  options: { mailbox: string; contact: string; ownAddress: string },
): Promise<MailThread | undefined> {
  const lock = await client.getMailboxLock(options.mailbox, { readOnly: true });
  try {
    const found = await client.search(
      { or: [{ from: options.contact }, { header: { "reply-to": options.contact } }] },
      { uid: true },
    );
    const uids = (found || []).sort((a, b) => b - a).slice(0, LOOK_BACK);
    for (const uid of uids) {
      const message = await client.fetchOne(
        String(uid),
        { source: { maxLength: 256 * 1024 } },
        { uid: true },
      );
      if (message === false || !message.source) continue;
      const reading = await readInboundMail(message.source, { ownAddress: options.ownAddress });
      if (reading.kind === "message" && reading.event.contactId === options.contact) return reading.thread;
    }
    return undefined;
  } finally {
    lock.release();
  }
}
