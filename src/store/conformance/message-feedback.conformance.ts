import { describe, expect, it } from "vitest";
import type { MessageFeedback } from "../../spec/store.js";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import { expectNotFound, expectStoreError, seedConversation } from "./store-test-kit.conformance.js";

/** `messages.setFeedback`: a customer's thumbs up or down, kept with the answer it rates. */
export function describeMessageFeedback(kit: StoreTestKit): void {
  describe("message feedback", () => {
    it("rates an answer, changes and takes back the rating, and lists it with the message", async () => {
      const store = await kit.fresh();
      const { conversation } = await seedConversation(store);
      await store.messages.append({ conversationId: conversation.id, role: "user", content: "¿abrís?" });
      const answer = await store.messages.append({
        conversationId: conversation.id,
        role: "assistant",
        content: "Sí, de 8 a 14.",
        metadata: { mode: "retrieval" },
      });
      expect(answer.feedback).toBeUndefined();

      const rated = await store.messages.setFeedback(conversation.id, answer.id, "down");
      expect(rated).toEqual({ ...answer, feedback: "down" });
      expect((await store.messages.list(conversation.id))[1]).toEqual(rated);
      expect(await store.messages.setFeedback(conversation.id, answer.id, "up")).toEqual({
        ...answer,
        feedback: "up",
      });
      const taken = await store.messages.setFeedback(conversation.id, answer.id, null);
      expect(taken).toEqual(answer);
      expect(taken.feedback).toBeUndefined();
      expect((await store.messages.list(conversation.id))[1]).toEqual(answer);
    });

    it("rates only an answer of the conversation named: not the customer's own words, not another's", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation } = await seedConversation(store);
      const question = await store.messages.append({
        conversationId: conversation.id,
        role: "user",
        content: "hola",
      });
      const staff = await store.messages.append({
        conversationId: conversation.id,
        role: "human",
        content: "Soy Marta",
      });
      const other = await store.conversations.create({
        tenantId: tenant.id,
        agentId: agent.id,
        externalUserId: "someone-else",
      });
      const theirs = await store.messages.append({
        conversationId: other.id,
        role: "assistant",
        content: "their answer",
      });
      await expectNotFound(store.messages.setFeedback(conversation.id, question.id, "up"));
      await expectNotFound(store.messages.setFeedback(conversation.id, staff.id, "up"));
      await expectNotFound(store.messages.setFeedback(conversation.id, theirs.id, "down"));
      await expectNotFound(store.messages.setFeedback(conversation.id, "no-such-message", "down"));
      expect((await store.messages.list(other.id))[0]).toEqual(theirs);
      expect((await store.messages.list(conversation.id)).every((m) => m.feedback === undefined)).toBe(true);
    });

    it("refuses a rating that is neither up nor down", async () => {
      const store = await kit.fresh();
      const { conversation } = await seedConversation(store);
      const answer = await store.messages.append({
        conversationId: conversation.id,
        role: "assistant",
        content: "Sí.",
      });
      await expectStoreError(
        store.messages.setFeedback(conversation.id, answer.id, "sideways" as MessageFeedback),
        "check",
      );
    });
  });
}

/** `messages.annotate`: what is learnt about a stored message later, merged into its metadata. */
export function describeMessageAnnotations(kit: StoreTestKit): void {
  describe("message annotations", () => {
    it("sets and removes top-level metadata keys, replacing a key's value whole, and keeps the rest", async () => {
      const store = await kit.fresh();
      const { conversation } = await seedConversation(store);
      const answer = await store.messages.append({
        conversationId: conversation.id,
        role: "assistant",
        content: "Sí.",
        metadata: { mode: "model", routing: { answeredBy: "student", reasons: [] } },
      });
      const shadow = { agreement: 0.25, teacher: { text: "No.", toolCalls: [] } };
      const annotated = await store.messages.annotate(conversation.id, answer.id, {
        shadow,
        routing: { answeredBy: "student" },
      });
      expect(annotated).toEqual({
        ...answer,
        metadata: { mode: "model", routing: { answeredBy: "student" }, shadow },
      });
      const removed = await store.messages.annotate(conversation.id, answer.id, {
        shadow: null,
        capped: true,
      });
      expect(removed.metadata).toEqual({ mode: "model", routing: { answeredBy: "student" }, capped: true });
      expect((await store.messages.list(conversation.id))[0]).toEqual(removed);
    });

    it("annotates only a message of the conversation named", async () => {
      const store = await kit.fresh();
      const { tenant, agent, conversation } = await seedConversation(store);
      const other = await store.conversations.create({
        tenantId: tenant.id,
        agentId: agent.id,
        externalUserId: "someone-else",
      });
      const theirs = await store.messages.append({
        conversationId: other.id,
        role: "assistant",
        content: "x",
      });
      await expectNotFound(store.messages.annotate(conversation.id, theirs.id, { capped: true }));
      await expectNotFound(store.messages.annotate(conversation.id, "no-such-message", { capped: true }));
      expect((await store.messages.list(other.id))[0]).toEqual(theirs);
    });
  });
}
