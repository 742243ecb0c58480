import type { FastifyRequest } from "fastify";
import { RequestError } from "../request-error.js";
import type { ChatCompletionRequest, ChatMessage } from "./chat-completion-request.js";

/** The header that names the customer when the body has no `user`. */
export const USER_HEADER = "x-alambique-user";

/**
 * The customer an admin key's request names: `user`, else the
 * `x-alambique-user` header (trimmed). Null when neither does (an empty one
 * names no one): the turn is then stateless (see `openStatelessConversation`).
 * Throws a 400 for a header over 256 characters, rather than turn a
 * customer's conversation into a stateless one unnoticed.
 */
export function namedCustomer(request: FastifyRequest, body: ChatCompletionRequest): string | null {
  if (body.user) return body.user;
  const header = request.headers[USER_HEADER];
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? "";
  if (value.length > 256) {
    throw new RequestError(`the ${USER_HEADER} header is over 256 characters`, {
      code: "invalid_request",
      param: USER_HEADER,
      hint: "any stable id of your customer, up to 256 characters: the conversation is kept under it",
    });
  }
  return value === "" ? null : value;
}

/** 400 for what an agent does not take from a client: it brings its own tools and answers in text. */
export function refuseModelOptions(body: ChatCompletionRequest): void {
  if (body.tools && body.tools.length > 0) {
    throw new RequestError("an agent uses the tools of its own spec: send no `tools`", {
      code: "invalid_request",
      param: "tools",
    });
  }
  if (body.response_format && body.response_format.type !== "text") {
    throw new RequestError("an agent answers in text: `response_format` must be `text` or absent", {
      code: "invalid_request",
      param: "response_format",
    });
  }
}

/** The last `user` message: the customer's new message, and where it is in `messages`. */
export function customerMessage(body: ChatCompletionRequest): { text: string; index: number } {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const message = body.messages[i];
    if (message?.role !== "user") continue;
    const text = textOf(message);
    if (text.trim() === "") {
      throw new RequestError("the customer's message has no text", {
        code: "invalid_request",
        param: `messages[${i}].content`,
      });
    }
    return { text, index: i };
  }
  throw new RequestError("an agent needs the customer's message: send at least one `user` message", {
    code: "invalid_request",
    param: "messages",
  });
}

/** A message's text: its string, or its text parts joined (images and other parts are left out). */
export function textOf(message: ChatMessage): string {
  const content = message.content;
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}
