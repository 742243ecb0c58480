/**
 * The channel sides of bench/channels.ts: each provider's stand-in started,
 * its channel added to the agent through `/api` (as an owner does), and
 * `ask` posting one signed webhook and resolving when the stand-in receives
 * the answer for that contact (the first part of it, when it was split).
 */
import { startMetaGraphStandIn } from "../src/channels/messenger/meta-graph-stand-in.fixture.js";
import { metaMessagingEvent } from "../src/channels/messenger/meta-webhook-bodies.fixture.js";
import type { StandInCall, StandInServer } from "../src/channels/stand-in-server.fixture.js";
import {
  startTelegramStandIn,
  telegramTextUpdate,
} from "../src/channels/telegram/telegram-stand-in.fixture.js";
import {
  startWhatsAppStandIn,
  whatsappNotification,
} from "../src/channels/whatsapp/whatsapp-stand-in.fixture.js";

export interface ChannelSide {
  name: string;
  /** One message from `customer`; resolves when it was answered, rejects when it was not within 30 s. */
  ask(customer: number, text: string): Promise<void>;
  /** Messages the provider received so far (an answer split in parts counts each); none for the widget. */
  sends?: () => number;
  close(): Promise<void>;
}

/** How long an answer may take before the message counts as failed, in ms. */
const ANSWER_TIMEOUT_MS = 30_000;

export async function startChannelSides(options: {
  base: string;
  /** An admin key of the agent's tenant. */
  admin: string;
  agent: string;
}): Promise<ChannelSide[]> {
  const [telegram, whatsapp, messenger] = await Promise.all([
    startTelegramStandIn(),
    startWhatsAppStandIn(),
    startMetaGraphStandIn("messenger"),
  ]);
  const add = async (payload: Record<string, unknown>): Promise<string> => {
    const res = await fetch(`${options.base}/api/agents/${options.agent}/channels`, {
      method: "POST",
      headers: { authorization: `Bearer ${options.admin}`, "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    if (res.status !== 201) throw new Error(`channel not added: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  const webhook = (id: string) => `${options.base}/channels/${id}/webhook`;
  await add({
    kind: "telegram",
    settings: { baseUrl: telegram.baseUrl },
    secrets: { botToken: telegram.token },
    publicUrl: options.base,
  });
  const whatsappId = await add({
    kind: "whatsapp",
    settings: { baseUrl: whatsapp.baseUrl, phoneNumberId: whatsapp.phoneNumberId },
    secrets: {
      accessToken: whatsapp.accessToken,
      appSecret: whatsapp.appSecret,
      verifyToken: "bench-verify",
    },
  });
  const messengerId = await add({
    kind: "messenger",
    settings: { baseUrl: messenger.baseUrl, pageId: messenger.accountId },
    secrets: {
      accessToken: messenger.accessToken,
      appSecret: messenger.appSecret,
      verifyToken: "bench-verify",
    },
  });
  let n = 0;
  return [
    side("telegram", telegram, contactOfTelegram, (customer, text) =>
      telegram.deliver(telegramTextUpdate(++n, 7_000_000 + customer, text)).then(ok),
    ),
    side("whatsapp", whatsapp, contactOfWhatsApp, (customer, text) =>
      whatsapp
        .deliver(
          webhook(whatsappId),
          whatsappNotification(whatsapp.phoneNumberId, {
            id: `wamid.bench${++n}`,
            from: String(34_600_000_000 + customer),
            type: "text",
            text: { body: text },
          }),
        )
        .then(ok),
    ),
    side("messenger", messenger, contactOfMessenger, (customer, text) =>
      messenger
        .deliver(
          webhook(messengerId),
          metaMessagingEvent("messenger", messenger.accountId, String(9_000_000 + customer), {
            message: { mid: `m_bench${++n}`, text },
          }),
        )
        .then(ok),
    ),
  ];
}

/**
 * A side whose answers are seen as the stand-in receives them: its calls'
 * `push` is wrapped, so each send resolves the waiter of its contact at once.
 * `contactOf` names the contact of a call that sends a message (undefined for
 * others: typing, read marks, the webhook set-up).
 */
function side(
  name: string,
  standIn: StandInServer,
  contactOf: (call: StandInCall) => string | undefined,
  post: (customer: number, text: string) => Promise<void>,
): ChannelSide {
  const waiting = new Map<string, () => void>();
  let sends = 0;
  const push = standIn.calls.push.bind(standIn.calls);
  standIn.calls.push = (...calls: StandInCall[]) => {
    for (const call of calls) {
      const contact = contactOf(call);
      if (contact !== undefined) sends++;
      const resolve = contact === undefined ? undefined : waiting.get(contact);
      if (resolve) {
        waiting.delete(contact!);
        resolve();
      }
    }
    // The bench keeps no history: a long run would hold every call in memory.
    return push(...calls.slice(0, 0));
  };
  return {
    name,
    async ask(customer, text) {
      const answered = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(String(customer));
          reject(new Error(`${name}: no answer within ${ANSWER_TIMEOUT_MS} ms`));
        }, ANSWER_TIMEOUT_MS);
        waiting.set(String(customer), () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await post(customer, text);
      await answered;
    },
    sends: () => sends,
    close: () => standIn.close(),
  };
}

async function ok(res: Response): Promise<void> {
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
}

type Body = Record<string, unknown>;
const body = (call: StandInCall): Body => (call.body ?? {}) as Body;

/** `sendMessage` (and media) to `chat_id`: customer = chat id − 7,000,000. */
function contactOfTelegram(call: StandInCall): string | undefined {
  if (!/\/(sendMessage|sendPhoto|sendDocument)$/.test(call.url)) return undefined;
  return String(Number(body(call).chat_id) - 7_000_000);
}

/** A message to `to` (read marks have `status`): customer = number − 34,600,000,000. */
function contactOfWhatsApp(call: StandInCall): string | undefined {
  const b = body(call);
  if (!call.url.endsWith("/messages") || b.status !== undefined || typeof b.to !== "string") return undefined;
  return String(Number(b.to) - 34_600_000_000);
}

/** A `message` to `recipient.id` (sender actions have none): customer = PSID − 9,000,000. */
function contactOfMessenger(call: StandInCall): string | undefined {
  const b = body(call);
  if (b.message === undefined) return undefined;
  return String(Number((b.recipient as { id?: string } | undefined)?.id) - 9_000_000);
}
