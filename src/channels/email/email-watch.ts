import type { ImapFlow } from "imapflow";
import type { ChannelWatch, InboundEvent } from "../../spec/channel.js";
import type { EmailSecrets, EmailSettings } from "./email-settings.js";
import { closeImap, openImap } from "./imap-connection.js";
import { ContactRateCap } from "./loop-guard.js";
import { readInboundMail } from "./read-inbound-mail.js";

/** The most of one mail that is read, in bytes. */
const MAX_MAIL_BYTES = 5 * 1024 * 1024;

/** The keyword a handled mail gets (queued or ignored), so that it is read once and a person's unread mark stays. */
export const HANDLED_KEYWORD = "$AlambiqueHandled";

export interface EmailWatchOptions {
  since: Date;
  deliver(events: InboundEvent[]): Promise<void>;
  onError(error: unknown): void;
  /** What was left unanswered and why (loop protection), for the log. */
  onIgnored?(reason: string, contact: string | undefined): void;
}

/**
 * Reads a mailbox as mail arrives: IMAP IDLE (the server's EXISTS notice
 * starts a sweep), a sweep every `pollSeconds` besides (a server without
 * IDLE, a notice lost), reconnecting with backoff (1 s doubling to 1 min)
 * after any failure. A sweep takes the mails since `since` without the
 * handled keyword (`\Seen` where the server keeps no keywords), oldest
 * first: each is read, delivered (stored) or ignored, then marked handled,
 * so a crash in between redelivers it and the store's dedupe keeps one copy.
 */
export class EmailWatch implements ChannelWatch {
  #client: ImapFlow | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #sweeping: Promise<void> | undefined;
  #again = false;
  readonly #cap: ContactRateCap;
  readonly #done: Promise<void>;

  constructor(
    private readonly settings: EmailSettings,
    private readonly secrets: EmailSecrets,
    private readonly options: EmailWatchOptions,
  ) {
    this.#cap = new ContactRateCap(settings.maxPerContactPerHour);
    this.#done = this.#run();
  }

  async close(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    if (this.#client) await closeImap(this.#client);
    await this.#done;
  }

  async #run(): Promise<void> {
    let backoff = 1000;
    while (!this.#stopped) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const client = await openImap(this.settings, this.secrets, { idle: true });
        this.#client = client;
        if (this.#stopped) break;
        const closed = new Promise<void>((resolve) => {
          client.once("close", () => resolve());
          this.#wake = resolve;
        });
        await client.mailboxOpen(this.settings.mailbox);
        const mailbox = client.mailbox;
        const keywords = mailbox === false ? false : mailbox.permanentFlags?.has("\\*") === true;
        client.on("exists", () => this.#kick(client, keywords));
        backoff = 1000;
        timer = setInterval(() => this.#kick(client, keywords), this.settings.pollSeconds * 1000);
        this.#kick(client, keywords);
        await closed;
      } catch (error) {
        if (!this.#stopped) this.options.onError(error);
      } finally {
        if (timer) clearInterval(timer);
        await this.#sweeping?.catch(() => undefined);
        if (this.#client) await closeImap(this.#client);
        this.#client = undefined;
      }
      if (this.#stopped) break;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, backoff).unref();
      });
      backoff = Math.min(backoff * 2, 60_000);
    }
  }

  #kick(client: ImapFlow, keywords: boolean | undefined): void {
    if (this.#stopped) return;
    if (this.#sweeping) {
      this.#again = true;
      return;
    }
    this.#sweeping = this.#sweep(client, keywords)
      .catch((error) => {
        if (!this.#stopped) this.options.onError(error);
      })
      .finally(() => {
        this.#sweeping = undefined;
        if (this.#again) {
          this.#again = false;
          this.#kick(client, keywords);
        }
      });
  }

  async #sweep(client: ImapFlow, keywords: boolean | undefined): Promise<void> {
    const since = this.options.since;
    // SEARCH SINCE counts whole days; the exact time is checked below.
    const day = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate() - 1));
    const found = await client.search(
      keywords ? { unKeyword: HANDLED_KEYWORD, since: day } : { seen: false, since: day },
      { uid: true },
    );
    for (const uid of (found || []).sort((a, b) => a - b)) {
      if (this.#stopped) return;
      // At most MAX_MAIL_BYTES of a mail: the words come first; a large attachment is cut, and parsed as far as it goes.
      const message = await client.fetchOne(
        String(uid),
        { source: { maxLength: MAX_MAIL_BYTES }, internalDate: true },
        { uid: true },
      );
      if (message === false || !message.source) continue;
      const receivedAt = message.internalDate ? new Date(message.internalDate) : undefined;
      // Mail that was there before the channel is the mailbox owner's, not the agent's to answer.
      // IMAP dates count whole seconds: a mail of the channel's own second is the channel's.
      if (receivedAt && receivedAt.getTime() < Math.floor(since.getTime() / 1000) * 1000) continue;
      const reading = await readInboundMail(message.source, {
        ownAddress: this.settings.address,
        ...(receivedAt ? { receivedAt } : {}),
      }).catch((error: unknown) => ({
        // A mail that cannot be read is set aside rather than read again at every sweep.
        kind: "ignored" as const,
        reason: `unreadable: ${error instanceof Error ? error.message : String(error)}`,
        contact: undefined,
      }));
      if (reading.kind === "ignored") {
        this.options.onIgnored?.(reading.reason, reading.contact);
      } else if (!this.#cap.allow(reading.event.contactId)) {
        this.options.onIgnored?.(
          `more than ${this.settings.maxPerContactPerHour} messages in an hour`,
          reading.event.contactId,
        );
      } else {
        await this.options.deliver([reading.event]);
      }
      await client.messageFlagsAdd(String(uid), [keywords ? HANDLED_KEYWORD : "\\Seen"], { uid: true });
    }
  }
}
