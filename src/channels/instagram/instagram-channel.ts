import { MetaMessagingChannel } from "../messenger/meta-messaging-channel.js";
import type { InstagramSettings, MetaMessagingSecrets } from "../messenger/meta-messaging-settings.js";

export { instagramSettingsSchema, metaMessagingSecretsSchema } from "../messenger/meta-messaging-settings.js";

/**
 * Instagram Messaging (a professional account's DMs, `object: "instagram"`),
 * the same Graph webhook family as Messenger: texts of 1000 characters, 13
 * quick replies; comment mode answers comments on the account's posts
 * (`comments`) under them (`/{comment-id}/replies`).
 */
export class InstagramChannel extends MetaMessagingChannel {
  constructor(settings: InstagramSettings, secrets: MetaMessagingSecrets) {
    super(
      {
        kind: "instagram",
        provider: "Instagram",
        object: "instagram",
        accountId: settings.accountId,
        replyEdge: "replies",
        checkFields: "id,username,name",
        settings,
        limits: {
          maxTextChars: 1000,
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
