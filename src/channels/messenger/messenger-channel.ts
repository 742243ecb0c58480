import { MetaMessagingChannel } from "./meta-messaging-channel.js";
import type { MessengerSettings, MetaMessagingSecrets } from "./meta-messaging-settings.js";

export { messengerSettingsSchema, metaMessagingSecretsSchema } from "./meta-messaging-settings.js";

/**
 * Facebook Messenger (a Page's messages, `object: "page"`): texts of 2000
 * characters, 13 quick replies; comment mode answers comments on the Page's
 * posts (`feed`) under them (`/{comment-id}/comments`).
 */
export class MessengerChannel extends MetaMessagingChannel {
  constructor(settings: MessengerSettings, secrets: MetaMessagingSecrets) {
    super(
      {
        kind: "messenger",
        provider: "Messenger",
        object: "page",
        accountId: settings.pageId,
        replyEdge: "comments",
        checkFields: "id,name",
        settings,
        limits: {
          maxTextChars: 2000,
          maxQuickReplies: 13,
          maxQuickReplyChars: 20,
          sendsPerSecond: 20,
          customerServiceWindowMs: 24 * 60 * 60 * 1000,
        },
      },
      secrets,
    );
  }
}
