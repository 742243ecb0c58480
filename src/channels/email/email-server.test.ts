/**
 * E-mail end to end: the real server (its channel worker and mailbox
 * watchers), a real SQLite store, a retrieval-mode agent answering from an
 * uploaded document, and a real mail server (Dovecot + an SMTP server
 * delivering with dovecot-lda): customers write over SMTP and read the
 * answers over IMAP, as they would with any provider.
 */
import { randomBytes } from "node:crypto";
import { createTransport } from "nodemailer";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiServer, agentSpec, startApiServer } from "../../server/api/api-server.fixture.js";
import { channelExternalUserId } from "../../spec/channel.js";
import { until } from "../../testing/until.fixture.js";
import { describeMailServer, type MailServer, startMailServer } from "./mail-server.fixture.js";

const users = {
  "desk@espiga.test": "desk-pass-1234",
  "ana@cliente.test": "ana-pass",
  "luis@cliente.test": "x",
};

describeMailServer("e-mail through the server", () => {
  let mail: MailServer;
  let server: ApiServer;
  let channelId: string;

  const write = async (from: string, subject: string, text: string, extra: Record<string, unknown> = {}) => {
    const transport = createTransport({
      host: "127.0.0.1",
      port: mail.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const sent = await transport.sendMail({ from, to: "desk@espiga.test", subject, text, ...extra });
    transport.close();
    return sent.messageId;
  };
  const inboxOf = (user: string) => mail.inbox(user);
  const conversation = async (contact: string) =>
    (await server.store.conversations.list(server.operator.tenant.id)).find(
      (c) => c.externalUserId === channelExternalUserId(channelId, contact),
    );
  const settled = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await until(
      async () => (await server.store.channels.listOutbound(channelId, { status: "queued" })).length === 0,
    );
  };

  beforeAll(async () => {
    mail = await startMailServer(users);
    server = await startApiServer({
      // The watchers' periodic read of the store is far off: a channel added through the API starts at once.
      channels: { secretKey: randomBytes(32).toString("base64"), pollMs: 50, refreshMs: 600_000 },
    });
    const admin = server.operator.admin;
    await server.call(admin, { method: "PUT", url: "/api/agents/espiga", payload: agentSpec("espiga") });
    const form = new FormData();
    form.append(
      "file",
      new Blob([
        "# Horario de la tienda\n\nAbrimos de lunes a sábado de 8:00 a 14:00. Los domingos cerramos.\n",
      ]),
      "horario-tienda.md",
    );
    await server.call(admin, { method: "POST", url: "/api/agents/espiga/knowledge", payload: form });
    const added = await server.call(admin, {
      method: "POST",
      url: "/api/agents/espiga/channels",
      payload: {
        kind: "email",
        settings: {
          address: "desk@espiga.test",
          fromName: "La Espiga",
          imapHost: "127.0.0.1",
          imapPort: mail.imapPort,
          imapSecurity: "none",
          smtpHost: "127.0.0.1",
          smtpPort: mail.smtpPort,
          smtpSecurity: "none",
          signature: "Panadería La Espiga",
          pollSeconds: 5,
        },
        secrets: { imapPassword: "desk-pass-1234" },
      },
    });
    expect(added.statusCode, added.body).toBe(201);
    channelId = added.json().id;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await mail?.close();
  });

  it("stores the passwords sealed, never shows them, and tests IMAP and SMTP", async () => {
    const admin = server.operator.admin;
    const list = await server.call(admin, { url: "/api/agents/espiga/channels" });
    expect(list.json().data[0]).toMatchObject({ kind: "email", secretNames: ["imapPassword"] });
    expect(list.body).not.toContain("desk-pass-1234");
    const record = await server.store.channels.get(server.operator.tenant.id, channelId);
    expect(record!.sealedSecrets.toString("latin1")).not.toContain("desk-pass-1234");
    const test = await server.call(admin, {
      method: "POST",
      url: `/api/agents/espiga/channels/${channelId}/test`,
    });
    expect(test.json()).toMatchObject({ ok: true, problems: [] });
    // No webhook: a post to its path is refused like a forged one.
    const posted = await server.call(undefined, {
      method: "POST",
      url: `/channels/${channelId}/webhook`,
      payload: "x",
    });
    expect(posted.statusCode).toBe(401);
  });

  it("refuses another tenant's mail channel on a host off the public internet (403), naming the setting", async () => {
    const other = server.other.admin;
    await server.call(other, { method: "PUT", url: "/api/agents/pan", payload: agentSpec("pan") });
    for (const [imapHost, smtpHost, param] of [
      ["127.0.0.1", "93.184.215.14", "settings.imapHost"],
      ["93.184.215.14", "169.254.169.254", "settings.smtpHost"],
      ["mail.does-not-resolve.invalid", "10.0.0.5", "settings.imapHost"],
    ]) {
      const added = await server.call(other, {
        method: "POST",
        url: "/api/agents/pan/channels",
        payload: {
          kind: "email",
          settings: { address: "hola@pan.example", imapHost, smtpHost },
          secrets: { imapPassword: "whatever" },
        },
      });
      expect(added.statusCode, added.body).toBe(403);
      expect(added.json().error).toMatchObject({ code: "operator_only", param });
    }
  });

  it("answers a customer's mail from the documents, in the same thread, once even when redelivered", async () => {
    const id = await write("Ana <ana@cliente.test>", "Horario", "¿Qué horario tenéis?");
    const [answer] = await until(async () => {
      const inbox = await inboxOf("ana@cliente.test");
      return inbox.length ? inbox : undefined;
    }, 20_000);
    expect(answer!.inReplyTo).toBe(id);
    expect([answer!.references].flat()).toEqual([id]);
    expect(answer!.subject).toBe("Re: Horario");
    expect(answer!.text).toContain("8:00");
    expect(answer!.text).not.toMatch(/\[S\d|horario-tienda\.md|\*\*/);
    expect(answer!.text).toContain("-- \nPanadería La Espiga");
    // The same mail delivered again (a provider's retry): no second answer.
    const [copy] = (await inboxOf("desk@espiga.test")).filter((m) => m.messageId === id);
    await mail.deliver("desk@espiga.test", copy!.raw, "ana@cliente.test");
    await settled();
    expect(await inboxOf("ana@cliente.test")).toHaveLength(1);
  });

  it("ignores auto-replies and bounces, and reads a reply without its quoted history", async () => {
    await write("ana@cliente.test", "Fuera de la oficina", "Vuelvo el lunes", {
      headers: { "Auto-Submitted": "auto-replied" },
    });
    await mail.deliver(
      "desk@espiga.test",
      [
        "From: MAILER-DAEMON@cliente.test",
        "To: desk@espiga.test",
        "Subject: Undelivered Mail Returned to Sender",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
        "",
        "--B",
        "Content-Type: text/plain",
        "",
        "Your message could not be delivered.",
        "--B--",
        "",
      ].join("\r\n"),
      "",
    );
    const [first] = await inboxOf("ana@cliente.test");
    await write(
      "ana@cliente.test",
      "Re: Horario",
      `¿Y los domingos?\n\nOn Mon, 1 Dec 2026, La Espiga wrote:\n> ${first!.text}`,
      {
        inReplyTo: first!.messageId,
        references: [first!.messageId],
      },
    );
    const answers = await until(async () => {
      const inbox = await inboxOf("ana@cliente.test");
      return inbox.length >= 2 ? inbox : undefined;
    }, 20_000);
    await settled();
    expect(await inboxOf("ana@cliente.test")).toHaveLength(2);
    expect(answers[1]!.subject).toBe("Re: Horario");
    expect([answers[1]!.references].flat()).toContain(first!.messageId);
    const said = (await server.store.messages.list((await conversation("ana@cliente.test"))!.id))
      .filter((m) => m.role === "user")
      .map((m) => m.content);
    expect(said).toEqual(["Horario\n\n¿Qué horario tenéis?", "¿Y los domingos?"]);
    const conversations = await server.store.conversations.list(server.operator.tenant.id);
    expect(conversations.some((c) => /mailer-daemon/i.test(c.externalUserId))).toBe(false);
  });

  it("sends a person's reply from the desk as mail in the customer's thread", async () => {
    const open = (await conversation("ana@cliente.test"))!;
    const reply = await server.call(server.operator.admin, {
      method: "POST",
      url: `/api/conversations/${open.id}/reply`,
      payload: { text: "Hola Ana, soy Marta: los domingos cerramos.", staff: "Marta" },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    const inbox = await until(async () => {
      const all = await inboxOf("ana@cliente.test");
      return all.length >= 3 ? all : undefined;
    }, 20_000);
    const [, , staff] = inbox;
    expect(staff!.text).toMatch(/^Marta\nHola Ana, soy Marta: los domingos cerramos\./);
    const latest = (await inboxOf("desk@espiga.test"))
      .filter((m) => m.from?.text === "ana@cliente.test")
      .at(-1);
    expect(staff!.inReplyTo).toBe(latest!.messageId);
    expect(staff!.subject).toBe("Re: Horario");
  });
});
