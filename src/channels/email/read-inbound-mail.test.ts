import { describe, expect, it } from "vitest";
import { readInboundMail } from "./read-inbound-mail.js";

const own = { ownAddress: "desk@espiga.test" };
const mail = (headers: string, body = "Hola, ¿abrís el domingo?") =>
  Buffer.from(
    `${headers.trim().replace(/\n/g, "\r\n")}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
  );
const base =
  "From: Ana Ruiz <Ana@Cliente.test>\nTo: desk@espiga.test\nSubject: Horario\nMessage-ID: <m1@cliente.test>\nDate: Mon, 01 Dec 2026 10:00:00 +0000";

describe("readInboundMail", () => {
  it("reads a person's mail: the address in lower case, the subject of a new thread, the id and time", async () => {
    const reading = await readInboundMail(mail(base), own);
    expect(reading).toMatchObject({
      kind: "message",
      event: {
        type: "message",
        providerMessageId: "<m1@cliente.test>",
        contactId: "ana@cliente.test",
        contactName: "Ana Ruiz",
        sentAt: "2026-12-01T10:00:00.000Z",
        text: "Horario\n\nHola, ¿abrís el domingo?",
      },
      thread: { messageId: "<m1@cliente.test>", references: [], subject: "Horario" },
    });
  });

  it("answers the Reply-To, keeps the references of a reply, and leaves out its Re: subject", async () => {
    const reading = await readInboundMail(
      mail(
        `${base.replace("Subject: Horario", "Subject: Re: Horario")}\nReply-To: ana.ruiz@cliente.test\nIn-Reply-To: <a1@espiga.test>\nReferences: <m0@cliente.test> <a1@espiga.test>`,
        "Gracias\n\nOn Mon, 1 Dec 2026, desk@espiga.test wrote:\n> Abrimos a las 8",
      ),
      own,
    );
    expect(reading.kind === "message" && reading.event).toMatchObject({
      contactId: "ana.ruiz@cliente.test",
      text: "Gracias",
    });
    expect(reading.kind === "message" && reading.thread.references).toEqual([
      "<m0@cliente.test>",
      "<a1@espiga.test>",
    ]);
  });

  it("reads an HTML-only mail as its text", async () => {
    const raw = Buffer.from(
      `${base.replace(/\n/g, "\r\n")}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Quiero <b>dos</b> barras</p><p>Gracias</p></body></html>\r\n`,
    );
    const reading = await readInboundMail(raw, own);
    expect(reading.kind === "message" && reading.event.text).toMatch(/Quiero dos barras\s+Gracias/);
    expect(reading.kind === "message" && reading.event.text).not.toMatch(/<|>/);
  });

  it("leaves unanswered what a machine wrote, and this mailbox's own mail", async () => {
    const cases: [string, RegExp][] = [
      [`${base}\nAuto-Submitted: auto-replied`, /Auto-Submitted/],
      [`${base}\nPrecedence: bulk`, /Precedence: bulk/],
      [`${base}\nPrecedence: list`, /Precedence: list/],
      [`${base}\nX-Autoreply: yes`, /x-autoreply/],
      [`${base}\nList-Id: <pan.lists.test>`, /mailing list/],
      [base.replace("Ana Ruiz <Ana@Cliente.test>", "MAILER-DAEMON@cliente.test"), /machine sender/],
      [base.replace("Ana Ruiz <Ana@Cliente.test>", "postmaster@cliente.test"), /machine sender/],
      [base.replace("Ana Ruiz <Ana@Cliente.test>", "no-reply@cliente.test"), /machine sender/],
      [base.replace("Ana Ruiz <Ana@Cliente.test>", "Desk <desk@espiga.test>"), /this mailbox/],
      [`Return-Path: <>\n${base}`, /null return path/],
    ];
    for (const [headers, reason] of cases) {
      const reading = await readInboundMail(mail(headers), own);
      expect(reading.kind, headers).toBe("ignored");
      expect(reading.kind === "ignored" && reading.reason).toMatch(reason);
    }
    expect((await readInboundMail(mail(`${base}\nAuto-Submitted: no`), own)).kind).toBe("message");
  });

  it("leaves a delivery report (multipart/report) unanswered", async () => {
    const raw = Buffer.from(
      [
        "From: Mail Delivery System <mailer@cliente.test>",
        "To: desk@espiga.test",
        "Subject: Undelivered Mail Returned to Sender",
        "Message-ID: <b1@cliente.test>",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="XX"',
        "",
        "--XX",
        "Content-Type: text/plain",
        "",
        "I'm sorry to have to inform you that your message could not be delivered.",
        "--XX",
        "Content-Type: message/delivery-status",
        "",
        "Final-Recipient: rfc822; nadie@cliente.test",
        "Action: failed",
        "Status: 5.1.1",
        "--XX--",
        "",
      ].join("\r\n"),
    );
    const reading = await readInboundMail(raw, own);
    expect(reading).toMatchObject({ kind: "ignored", reason: expect.stringMatching(/multipart\/report/) });
  });

  it("says what arrived when a mail is only an attachment, and knows a mail without Message-ID by its bytes", async () => {
    const raw = Buffer.from(
      [
        "From: ana@cliente.test",
        "To: desk@espiga.test",
        "Subject: Re: foto",
        'Content-Type: multipart/mixed; boundary="YY"',
        "",
        "--YY",
        "Content-Type: text/plain",
        "",
        "",
        "--YY",
        "Content-Type: image/png",
        'Content-Disposition: attachment; filename="pan.png"',
        "Content-Transfer-Encoding: base64",
        "",
        "iVBORw0KGgo=",
        "--YY--",
        "",
      ].join("\r\n"),
    );
    const first = await readInboundMail(raw, own);
    expect(first).toMatchObject({ kind: "message", event: { unsupported: "image", text: "" } });
    const again = await readInboundMail(raw, own);
    expect(first.kind === "message" && first.event.providerMessageId).toMatch(
      /^<sha256\.[0-9a-f]{64}@alambique>$/,
    );
    expect(again.kind === "message" && again.event.providerMessageId).toBe(
      first.kind === "message" && first.event.providerMessageId,
    );
  });
});
