/**
 * A stand-in for the Telegram Bot API (https://core.telegram.org/bots/api),
 * for tests: `POST /bot<token>/<method>` with a JSON body, answered
 * `{ ok: true, result }` or `{ ok: false, error_code, description, parameters }`
 * (429 carries `parameters.retry_after`), as Telegram does. It checks what
 * Telegram checks and our code could get wrong: the token, the methods'
 * required fields, MarkdownV2 (a reserved character left unescaped is
 * "can't parse entities"), text and `callback_data` sizes. `deliver` posts an
 * update to the webhook set with `setWebhook`, with its secret token header.
 */
import { type StandInAnswer, type StandInServer, startStandInServer } from "../stand-in-server.fixture.js";

export interface TelegramStandIn extends StandInServer {
  token: string;
  /** The successful sends (sendMessage, sendPhoto, sendDocument), in order. */
  sent(): { method: string; params: Record<string, unknown> }[];
  /** What `setWebhook` last set. */
  webhook: { url: string; secretToken: string } | undefined;
  /** Posts an update to the webhook as Telegram would (optionally with another secret token). */
  deliver(update: unknown, secretToken?: string | null): Promise<Response>;
}

const ok = (result: unknown): StandInAnswer => ({ status: 200, body: { ok: true, result } });
const error = (status: number, description: string, parameters?: object): StandInAnswer => ({
  status,
  body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});

export async function startTelegramStandIn(
  token = "123456:TEST-token_abcdefghijklmnop",
): Promise<TelegramStandIn> {
  let messageId = 100;
  const sends: { method: string; params: Record<string, unknown> }[] = [];
  const standIn: TelegramStandIn = Object.assign(
    await startStandInServer({
      failure: (f) =>
        f.status === 429
          ? error(429, `Too Many Requests: retry after ${f.retryAfterSeconds ?? 1}`, {
              retry_after: f.retryAfterSeconds ?? 1,
            })
          : error(f.status, "Internal Server Error"),
      handle(call) {
        const match = /^\/bot([^/]+)\/(\w+)$/.exec(call.url);
        if (!match) return error(404, "Not Found");
        if (match[1] !== token) return error(401, "Unauthorized");
        const params = (call.body ?? {}) as Record<string, unknown>;
        const method = match[2]!;
        if (method === "getMe")
          return ok({ id: 123456, is_bot: true, first_name: "Espiga", username: "espiga_bot" });
        if (method === "setWebhook") {
          if (typeof params.url !== "string") return error(400, "Bad Request: bad webhook: URL is required");
          standIn.webhook = { url: params.url, secretToken: String(params.secret_token ?? "") };
          return ok(true);
        }
        if (method === "sendChatAction" || method === "answerCallbackQuery") return ok(true);
        if (method !== "sendMessage" && method !== "sendPhoto" && method !== "sendDocument") {
          return error(404, "Not Found: method not found");
        }
        if (params.chat_id === undefined) return error(400, "Bad Request: chat_id is empty");
        const text = method === "sendMessage" ? params.text : params.caption;
        if (method === "sendMessage" && (typeof text !== "string" || text === "")) {
          return error(400, "Bad Request: message text is empty");
        }
        if (typeof text === "string") {
          if (text.length > (method === "sendMessage" ? 4096 : 1024))
            return error(400, "Bad Request: message is too long");
          const problem = params.parse_mode === "MarkdownV2" ? markdownV2Problem(text) : undefined;
          if (problem) return error(400, `Bad Request: can't parse entities: ${problem}`);
        }
        const keyboard = (
          params.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined
        )?.inline_keyboard;
        for (const button of keyboard?.flat() ?? []) {
          if (Buffer.byteLength(button.callback_data ?? "") > 64)
            return error(400, "Bad Request: BUTTON_DATA_INVALID");
        }
        sends.push({ method, params });
        return ok({
          message_id: ++messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: params.chat_id },
        });
      },
    }),
    {
      token,
      webhook: undefined,
      sent: () => sends,
      async deliver(update: unknown, secretToken?: string | null) {
        if (!standIn.webhook) throw new Error("no webhook set: call setWebhook (channel.connect) first");
        const header = secretToken === undefined ? standIn.webhook.secretToken : secretToken;
        return fetch(standIn.webhook.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(header === null ? {} : { "x-telegram-bot-api-secret-token": header }),
          },
          body: JSON.stringify(update),
        });
      },
    },
  );
  return standIn;
}

/** Telegram's rule: outside entities, `_*[]()~\`>#+-=|{}.!` must be escaped with `\`. Entity markers are accepted unchecked; a link's URL is skipped. */
function markdownV2Problem(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "]" && text[i + 1] === "(") {
      // A link's URL: only `)` and `\` are escaped there.
      for (i += 2; i < text.length && text[i] !== ")"; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (">#+-={}.!".includes(c)) {
      return `Character '${c}' is reserved and must be escaped with the preceding '\\'`;
    }
  }
  return undefined;
}

/** A text message update, as Telegram posts it. */
export function telegramTextUpdate(updateId: number, chatId: number, text: string): Record<string, unknown> {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Ana" },
      from: { id: chatId, is_bot: false, first_name: "Ana" },
      text,
    },
  };
}
