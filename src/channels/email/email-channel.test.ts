/**
 * The e-mail channel against a real mail server (Dovecot over IMAP, an SMTP
 * server delivering with dovecot-lda: mail-server.fixture.ts): the parts of
 * the channel conformance suite that apply to a provider without webhooks
 * (normalised messages with stable ids, rendered sends, retryable and
 * refused failures, credential checks saying what is wrong, limits), then
 * what only e-mail has: the watch, threading and loop protection.
 */
import { createTransport } from "nodemailer";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { InboundEvent, InboundMessage } from "../../spec/channel.js";
import { ChannelSendError, ChannelSignatureError } from "../../spec/channel-errors.js";
import { ValidationError } from "../../spec/errors.js";
import { until } from "../../testing/until.fixture.js";
import { EmailChannel } from "./email-channel.js";
import { emailSecretsSchema, emailSettingsSchema } from "./email-settings.js";
import { describeMailServer, type MailServer, startMailServer } from "./mail-server.fixture.js";

const users = {
  "desk@espiga.test": "desk-pass",
  "ana@cliente.test": "ana-pass",
  "luis@cliente.test": "luis-pass",
  "eva@cliente.test": "eva-pass",
};

describeMailServer("email channel on a real mail server", () => {
  let server: MailServer;
  const settings = (extra: Record<string, unknown> = {}) =>
    emailSettingsSchema.parse({
      address: "desk@espiga.test",
      fromName: "Panadería La Espiga",
      imapHost: "127.0.0.1",
      imapPort: server.imapPort,
      imapSecurity: "none",
      smtpHost: "127.0.0.1",
      smtpPort: server.smtpPort,
      smtpSecurity: "none",
      signature: "La Espiga · Calle Mayor 1",
      pollSeconds: 5,
      ...extra,
    });
  const channel = (extra: Record<string, unknown> = {}, password = "desk-pass") =>
    new EmailChannel(settings(extra), emailSecretsSchema.parse({ imapPassword: password }));
  /** A customer's mail, sent to the desk over SMTP as their provider would. */
  const write = async (from: string, subject: string, text: string, headers: Record<string, string> = {}) => {
    const transport = createTransport({
      host: "127.0.0.1",
      port: server.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const sent = await transport.sendMail({ from, to: "desk@espiga.test", subject, text, headers });
    transport.close();
    return sent.messageId;
  };

  beforeAll(async () => {
    server = await startMailServer(users);
  });
  afterAll(() => server?.close());

  it("refuses webhooks: verify throws ChannelSignatureError and parse ValidationError", () => {
    const c = channel();
    const error = (() => {
      try {
        c.verify();
      } catch (e) {
        return e;
      }
    })();
    expect(ChannelSignatureError.isInstance(error)).toBe(true);
    expect(() => c.parse()).toThrow(/has no webhook/);
    expect(
      ValidationError.isInstance(
        (() => {
          try {
            c.parse();
          } catch (e) {
            return e;
          }
        })(),
      ),
    ).toBe(true);
  });

  it("watches the mailbox: new mail as messages with stable ids, history stripped; loops and old mail left alone", async () => {
    await write("Eva <eva@cliente.test>", "Antes", "Esto llegó antes del canal");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const since = new Date();
    const events: InboundEvent[] = [];
    const ignored: string[] = [];
    const watch = channel({ maxPerContactPerHour: 2 }).watch({
      since,
      deliver: async (batch) => {
        events.push(...batch);
      },
      onError: (error) => ignored.push(`error: ${String(error)}`),
      onIgnored: (reason) => ignored.push(reason),
    });
    try {
      const id = await write(
        "Ana Ruiz <ana@cliente.test>",
        "Horario",
        "¿Abrís el domingo?\n\nEl lun, 1 dic 2026, La Espiga <desk@espiga.test> escribió:\n> Abrimos a las 8",
      );
      await write("ana@cliente.test", "Fuera de la oficina", "Vuelvo el lunes", {
        "Auto-Submitted": "auto-replied",
      });
      const first = await until(
        () => events.find((e) => e.providerMessageId === id) as InboundMessage | undefined,
      );
      expect(first).toMatchObject({
        type: "message",
        contactId: "ana@cliente.test",
        contactName: "Ana Ruiz",
        text: "Horario\n\n¿Abrís el domingo?",
      });
      expect(new Date(first.sentAt).toISOString()).toBe(first.sentAt);
      await until(() => ignored.some((r) => /Auto-Submitted/.test(r)));
      // The same mail delivered again keeps its id: the store's dedupe answers it once.
      const [copy] = (await server.inbox("desk@espiga.test")).filter((m) => m.messageId === id);
      await server.deliver("desk@espiga.test", copy!.raw, "ana@cliente.test");
      await until(() => events.filter((e) => e.providerMessageId === id).length === 2);
      // The cap (2 an hour here) was reached by the mail and its copy: a third from Ana is left unanswered.
      await write("ana@cliente.test", "Otra", "¿Y el lunes?");
      await until(() => ignored.some((r) => /more than 2 messages in an hour/.test(r)));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(events.map((e) => e.providerMessageId)).toEqual([id, id]);
      expect(events.some((e) => e.type === "message" && /antes del canal/.test(e.text))).toBe(false);
      expect(ignored.filter((r) => r.startsWith("error"))).toEqual([]);
    } finally {
      await watch.close();
    }
  });

  it("reconnects after the IMAP server went away, and reads each mail once", async () => {
    const events: InboundEvent[] = [];
    const errors: unknown[] = [];
    const watch = channel().watch({
      since: new Date(),
      deliver: async (batch) => {
        events.push(...batch);
      },
      onError: (error) => errors.push(error),
    });
    try {
      const before = await write("eva@cliente.test", "Uno", "Primero");
      await until(() => events.some((e) => e.providerMessageId === before));
      await server.restartImap(1500);
      const after = await write("eva@cliente.test", "Dos", "Segundo");
      await until(() => events.some((e) => e.providerMessageId === after), 15_000);
      expect(events.filter((e) => e.providerMessageId === before)).toHaveLength(1);
      expect(errors.every((e) => /ECONNREFUSED|closed|connection/i.test(String(e)))).toBe(true);
    } finally {
      await watch.close();
    }
  });

  it("answers in the thread of the contact's latest mail: In-Reply-To, References, Re: subject, signature", async () => {
    const id = await write("luis@cliente.test", "Pedido de pan", "Quiero dos barras para mañana");
    const c = channel();
    const rendered = c.render("**Hecho**: dos barras. [Carta](https://espiga.example/carta)");
    const { providerMessageId } = await c.send({
      contactId: "luis@cliente.test",
      text: rendered,
      quickReplies: ["Confirmar", "Cancelar"],
      media: { url: "https://espiga.example/carta.pdf", kind: "document" },
    });
    expect(providerMessageId).toMatch(/^<[0-9a-f-]+@espiga\.test>$/);
    const [answer] = await until(async () => {
      const inbox = await server.inbox("luis@cliente.test");
      return inbox.length ? inbox : undefined;
    });
    expect(answer!.messageId).toBe(providerMessageId);
    expect(answer!.inReplyTo).toBe(id);
    expect([answer!.references].flat()).toEqual([id]);
    expect(answer!.subject).toBe("Re: Pedido de pan");
    expect(answer!.from?.text).toBe('"Panadería La Espiga" <desk@espiga.test>');
    expect(answer!.headers.get("auto-submitted")).toBe("auto-replied");
    expect(answer!.text).toContain("Hecho: dos barras. Carta (https://espiga.example/carta)");
    expect(answer!.text).toContain("-- \nLa Espiga · Calle Mayor 1");
    // Quick replies and the media's address above the signature, which mail clients fold.
    expect(answer!.text).toMatch(
      /- Confirmar\n- Cancelar\n\nhttps:\/\/espiga\.example\/carta\.pdf\n\n-- \nLa Espiga · Calle Mayor 1\s*$/,
    );
    expect(rendered).not.toMatch(/\*\*/);
  });

  it("tells a retryable failure (SMTP 4xx, network) from a refusal (5xx, wrong password)", async () => {
    const c = channel();
    const send = (ch: EmailChannel) =>
      ch.send({ contactId: "luis@cliente.test", text: "Hola" }).catch((e: unknown) => e as ChannelSendError);
    server.failNext(1, { code: 451, message: "Try again later" });
    const later = await send(c);
    expect(ChannelSendError.isInstance(later) && later.retryable).toBe(true);
    server.failNext(1, { code: 550, message: "Mailbox unavailable" });
    const refused = await send(c);
    expect(ChannelSendError.isInstance(refused)).toBe(true);
    expect((refused as ChannelSendError).retryable).toBe(false);
    const wrong = await send(
      new EmailChannel(
        settings(),
        emailSecretsSchema.parse({ imapPassword: "desk-pass", smtpPassword: "nope" }),
      ),
    );
    expect((wrong as ChannelSendError).retryable).toBe(false);
    expect((wrong as ChannelSendError).message).toMatch(/wrong, revoked or expired/);
    const down = await send(channel({ smtpPort: 1 }));
    expect((down as ChannelSendError).retryable).toBe(true);
  });

  it("checks IMAP login and mailbox and SMTP login, saying what is wrong", async () => {
    const good = await channel().check();
    expect(good).toMatchObject({ ok: true, problems: [] });
    expect(good.details.imap).toMatch(/INBOX \(\d+ messages\)/);
    const bad = await channel({}, "not-the-password").check();
    expect(bad.ok).toBe(false);
    expect(bad.problems[0]).toMatch(
      /IMAP login at 127\.0\.0\.1:\d+ was refused: .*wrong, revoked or expired/,
    );
    expect(bad.problems[1]).toMatch(/SMTP login .*wrong, revoked or expired/);
    const mailbox = await channel({ mailbox: "Clientes" }).check();
    expect(mailbox.problems.join(" ")).toMatch(/the mailbox Clientes was not found .* one of: INBOX/);
    const down = await channel({ smtpPort: 1 }).check();
    expect(down.problems.join(" ")).toMatch(/SMTP server 127\.0\.0\.1:1 could not be reached .*smtpHost/);
  });

  it("declares limits the senders can keep, and keeps passwords off the network", () => {
    const { limits } = channel();
    expect(limits.maxTextChars).toBeGreaterThan(0);
    expect(limits.maxQuickReplies).toBeGreaterThan(0);
    expect(limits.sendsPerSecond).toBeGreaterThan(0);
    const remote = emailSettingsSchema.safeParse({
      address: "desk@espiga.test",
      imapHost: "mail.espiga.test",
      imapSecurity: "none",
      smtpHost: "mail.espiga.test",
    });
    expect(remote.success).toBe(false);
    expect(remote.error?.issues[0]?.message).toMatch(/only for a server on this machine/);
  });
});
