import { describe, expect, it } from "vitest";
import { commentContactId } from "../../spec/channel.js";
import { describeChannelConformance } from "../channel.conformance.js";
import { makeChannel, validateChannelInput } from "../make-channel.js";
import { startMetaGraphStandIn } from "../messenger/meta-graph-stand-in.fixture.js";
import { customerId, metaChannel, metaHarness } from "../messenger/meta-messaging-harness.fixture.js";
import { metaCommentChange, metaMessagingEvent } from "../messenger/meta-webhook-bodies.fixture.js";

describeChannelConformance("instagram", () => metaHarness("instagram"));

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe("instagram", () => {
  it("keeps texts within Instagram's 1000 characters and takes only its own webhook object", async () => {
    const standIn = await startMetaGraphStandIn("instagram");
    try {
      const channel = metaChannel(standIn);
      expect(channel.limits.maxTextChars).toBe(1000);
      await channel.send({ contactId: customerId, text: "x".repeat(1000) });
      const tooLong = await channel.send({ contactId: customerId, text: "x".repeat(1001) }).catch((e) => e);
      expect(String(tooLong)).toMatch(/less than or equal to 1000/);
      expect(() => channel.parse(json({ object: "page", entry: [] }))).toThrow(/not an Instagram webhook/);
      const story = channel.parse(
        json(
          metaMessagingEvent("instagram", standIn.accountId, customerId, {
            message: {
              mid: "aWdfZ",
              attachments: [{ type: "story_mention", payload: { url: "https://x" } }],
            },
          }),
        ),
      );
      expect(story[0]).toMatchObject({ unsupported: "other", text: "" });
    } finally {
      await standIn.close();
    }
  });

  it("answers comments under the post (`/replies`) in comment mode, never its own", async () => {
    const standIn = await startMetaGraphStandIn("instagram");
    try {
      const on = metaChannel(standIn, { commentReplies: "on" });
      const body = (id: string, fromId: string) =>
        json(metaCommentChange("instagram", standIn.accountId, { id, text: "¿Precio?", fromId }));
      expect(metaChannel(standIn).parse(body("18001", "9001"))).toEqual([]);
      const [comment] = on.parse(body("18001", "9001"));
      expect(comment).toMatchObject({
        contactId: commentContactId("18001"),
        contactName: "ana.panes",
        text: "¿Precio?",
      });
      expect(on.parse(body("18002", standIn.accountId))).toEqual([]);
      await on.send({ contactId: comment!.contactId, text: "3 € la barra" });
      expect(standIn.replies()).toEqual([{ commentId: "18001", message: "3 € la barra" }]);
    } finally {
      await standIn.close();
    }
  });

  it("is configured with its account id, a generated verify token and comment mode off by default", () => {
    const valid = validateChannelInput(
      "instagram",
      { accountId: "17841400008460056" },
      {
        accessToken: "EAAG-page-token",
        appSecret: "app-secret-1",
      },
    );
    expect(valid.settings).toMatchObject({ commentReplies: "off" });
    expect(valid.secrets.verifyToken!.length).toBeGreaterThanOrEqual(16);
    expect(makeChannel("instagram", valid.settings, valid.secrets).kind).toBe("instagram");
    expect(() =>
      validateChannelInput(
        "instagram",
        { accountId: "x", commentReplies: "yes" },
        { accessToken: "EAAG-page-token", appSecret: "s3cret-12" },
      ),
    ).toThrow(/settings\.accountId.*settings\.commentReplies|settings\.commentReplies.*settings\.accountId/);
  });
});
