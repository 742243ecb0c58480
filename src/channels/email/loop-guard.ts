import type { HeaderValue, ParsedMail } from "mailparser";

/** Senders that are machines: bounces, and addresses nobody reads. */
const machineSender = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+-].*)?@/i;

/**
 * Why a message was written by a machine and must not be answered (RFC 3834:
 * an automatic answer to an automatic message is how mail loops start), or
 * undefined for a person's message. Reads `Auto-Submitted` (anything but
 * `no`), `Precedence: bulk | junk | list | auto_reply`, `X-Autoreply`,
 * `X-Autorespond`, `List-Id`, a null return path, delivery reports
 * (`multipart/report`) and machine senders (mailer-daemon, postmaster, noreply).
 */
export function automatedReason(mail: ParsedMail, sender: string | undefined): string | undefined {
  const header = (name: string) => textOf(mail.headers.get(name));
  const autoSubmitted = header("auto-submitted");
  if (autoSubmitted && autoSubmitted.toLowerCase() !== "no") return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = header("precedence")?.toLowerCase();
  if (precedence && ["bulk", "junk", "list", "auto_reply"].includes(precedence))
    return `Precedence: ${precedence}`;
  for (const name of ["x-autoreply", "x-autorespond", "x-autoresponder"]) {
    if (mail.headers.has(name)) return `${name} header`;
  }
  // mailparser gathers the List-* headers under "list".
  const list = mail.headers.get("list") as { id?: unknown } | undefined;
  if (mail.headers.has("list-id") || list?.id) return "a mailing list (List-Id)";
  const returnPath = mail.headerLines.find((line) => line.key === "return-path")?.line;
  if (returnPath && /^return-path:\s*<\s*>\s*$/i.test(returnPath)) return "a null return path (a bounce)";
  const type = mail.headers.get("content-type") as { value?: string } | undefined;
  if (type?.value?.toLowerCase() === "multipart/report")
    return "a delivery or read report (multipart/report)";
  if (sender && machineSender.test(sender)) return `a machine sender (${sender})`;
  return undefined;
}

function textOf(value: HeaderValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (value instanceof Date || Array.isArray(value)) return String(value);
  if ("value" in value && typeof value.value === "string") return value.value;
  if ("text" in value && typeof value.text === "string") return value.text;
  return String(value);
}

/**
 * At most `perHour` messages accepted from one address in any hour, in this
 * process: past it, a contact's mail is left unanswered, so two
 * auto-responders that ignore the headers above cannot keep each other busy.
 */
export class ContactRateCap {
  readonly #seen = new Map<string, number[]>();

  constructor(private readonly perHour: number) {}

  /** Counts the message and says whether it is within the cap. */
  allow(contact: string, now = Date.now()): boolean {
    const recent = (this.#seen.get(contact) ?? []).filter((at) => now - at < 3_600_000);
    if (recent.length >= this.perHour) {
      this.#seen.set(contact, recent);
      return false;
    }
    recent.push(now);
    this.#seen.set(contact, recent);
    return true;
  }
}
