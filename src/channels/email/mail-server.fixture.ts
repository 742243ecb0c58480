/**
 * A real mail server for tests, private to the test: Debian's Dovecot
 * (`apt-get install dovecot-imapd`) as a child process with its own
 * configuration in a temporary folder, serving IMAP on 127.0.0.1 at a free
 * port to passwd-file users with Maildirs; and the `smtp-server` library as
 * the SMTP server, which checks logins against the same users and hands each
 * accepted mail to Dovecot's own delivery agent (`dovecot-lda`), so that it
 * is in the recipient's mailbox over IMAP as any delivered mail is.
 * `describeMailServer` skips a suite, saying why, when Dovecot is missing,
 * and fails instead under ALAMBIQUE_REQUIRE_MAIL_SERVER=1 (CI).
 */
import { ImapFlow } from "imapflow";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { describe, it } from "vitest";
import { DOVECOT, dovecotInstalled, freePort, LDA, startDovecot } from "./dovecot.fixture.js";

export const mailServerInstalled = dovecotInstalled;
const required = process.env.ALAMBIQUE_REQUIRE_MAIL_SERVER === "1";

/** `describe` when Dovecot is installed; else a skipped suite whose name says why (a failure when required). */
export function describeMailServer(name: string, body: () => void): void {
  if (mailServerInstalled) {
    describe(name, body);
    return;
  }
  if (required) {
    describe(name, () => {
      it("needs Dovecot", () => {
        throw new Error(
          `ALAMBIQUE_REQUIRE_MAIL_SERVER=1 but Dovecot was not found at ${DOVECOT} and ${LDA}: apt-get install dovecot-imapd`,
        );
      });
    });
    return;
  }
  describe.skip(`${name} — skipped: no Dovecot (apt-get install dovecot-imapd)`, () => {
    it("needs /usr/sbin/dovecot and /usr/lib/dovecot/dovecot-lda", () => {});
  });
}

export interface SmtpFailure {
  /** e.g. 451 (try later) or 550 (refused). */
  code: number;
  message?: string;
}

export interface MailServer {
  host: "127.0.0.1";
  imapPort: number;
  smtpPort: number;
  /** Mail the SMTP server accepted for an address it does not serve (sent nowhere). */
  outside: { from: string; to: string[]; raw: Buffer }[];
  /** The next `count` mails fail with this SMTP answer. */
  failNext(count: number, failure: SmtpFailure): void;
  /** Stops Dovecot (every IMAP connection dropped) and starts it again on the same port; the mail stays. */
  restartImap(pauseMs?: number): Promise<void>;
  /** Delivers a raw mail into a user's mailbox as the SMTP server does (a redelivery, a bounce with `from` ""). */
  deliver(to: string, raw: Buffer | string, from?: string): Promise<void>;
  /** Every mail in a user's INBOX over IMAP, parsed, oldest first, with its raw headers. */
  inbox(user: string): Promise<(ParsedMail & { raw: Buffer })[]>;
  close(): Promise<void>;
}

/** Starts Dovecot and the SMTP server for `users` (address → password). */
export async function startMailServer(users: Record<string, string>): Promise<MailServer> {
  const dovecot = await startDovecot(users);
  const { imapPort, deliver } = dovecot;
  const smtpPort = await freePort();
  const outside: MailServer["outside"] = [];
  const failures: { count: number; failure: SmtpFailure }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username && users[auth.username] === auth.password)
        return callback(null, { user: auth.username });
      callback(Object.assign(new Error("Authentication credentials invalid"), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const pending = failures.find((f) => f.count > 0);
        if (pending) {
          pending.count--;
          const { code, message } = pending.failure;
          return callback(Object.assign(new Error(message ?? `failure ${code}`), { responseCode: code }));
        }
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const local = to.filter((address) => address in users);
        if (local.length < to.length) outside.push({ from, to: to.filter((a) => !(a in users)), raw });
        Promise.all(local.map((address) => deliver(address, raw, from))).then(
          () => callback(),
          (error: Error) => callback(Object.assign(error, { responseCode: 451 })),
        );
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(smtpPort, "127.0.0.1", resolve));

  return {
    host: "127.0.0.1",
    imapPort,
    smtpPort,
    outside,
    failNext(count, failure) {
      failures.push({ count, failure });
    },
    deliver,
    restartImap: (pauseMs) => dovecot.restart(pauseMs),
    async inbox(user) {
      const client = new ImapFlow({
        host: "127.0.0.1",
        port: imapPort,
        secure: false,
        doSTARTTLS: false,
        auth: { user, pass: users[user]! },
        logger: false,
      } as ConstructorParameters<typeof ImapFlow>[0]);
      await client.connect();
      try {
        const lock = await client.getMailboxLock("INBOX");
        try {
          const raws: Buffer[] = [];
          for await (const message of client.fetch("1:*", { source: true })) {
            if (message.source) raws.push(message.source);
          }
          return await Promise.all(raws.map(async (raw) => Object.assign(await simpleParser(raw), { raw })));
        } finally {
          lock.release();
        }
      } catch (error) {
        // An empty mailbox has no "1:*".
        if (/nothing|no messages|invalid messageset/i.test(String(error))) return [];
        throw error;
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await dovecot.stop();
    },
  };
}
