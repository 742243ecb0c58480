import { z } from "zod";
import type { Conversation } from "../../spec/store.js";
import { everyConversation } from "../../store/every-conversation.js";
import type { ApiDeps } from "./api-deps.js";
import { listOf } from "./api-schemas.js";
import { type ApiRoute, defineApiRoute } from "./define-api-route.js";

/** Most conversations (the most recently active) one answer covers. */
const MAX_CONVERSATIONS = 1000;

export const conversationLanguageSchema = z
  .object({
    id: z.string(),
    language: z.string().meta({ description: "ISO 639-1, as the agent last detected it (`es`, `en`)" }),
  })
  .meta({ id: "ConversationLanguage" });

/**
 * `GET /api/conversation-languages`: the language each conversation is in,
 * as the agent detected it on its last answer (every answer records the
 * customer's language), for the inbox's language filter. Conversations the
 * agent has not answered yet are left out. Reads the messages of the
 * `MAX_CONVERSATIONS` most recently active conversations.
 */
export function conversationLanguagesRoute({ store }: ApiDeps): ApiRoute {
  return defineApiRoute({
    method: "GET",
    path: "/api/conversation-languages",
    tag: "conversations",
    summary: "The language of each conversation",
    description: `The language the agent last detected in each of the ${MAX_CONVERSATIONS} most recently active conversations; those with no answer yet are left out.`,
    access: "admin",
    response: { description: "Most recently active first", schema: listOf(conversationLanguageSchema) },
    errors: [],
    async handler({ auth }) {
      const all: Conversation[] = [];
      for await (const conversation of everyConversation(store, auth.tenantId)) all.push(conversation);
      all.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      const data: { id: string; language: string }[] = [];
      for (const conversation of all.slice(0, MAX_CONVERSATIONS)) {
        const messages = await store.messages.list(conversation.id);
        const language = messages.findLast((m) => typeof m.metadata.language === "string")?.metadata.language;
        if (typeof language === "string") data.push({ id: conversation.id, language });
      }
      return { data };
    },
  });
}
