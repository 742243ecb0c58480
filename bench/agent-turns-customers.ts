import { retrievalCases } from "../src/knowledge/demo-retrieval.fixture.js";

/** What simulated customers ask: the demo bakery's real customer questions (both languages, typos included). */
export const customerQuestions: readonly string[] = retrievalCases.map((c) => c.query);

/**
 * Simulated customers of bench/agent-turns.ts: each load worker talks as one
 * customer for `turnsPerConversation` messages (one conversation), then as a
 * new one. Customer ids are `${prefix}${n}`, n counting up, so every
 * conversation is new to the server; customer n asks the questions from
 * n × 7 on, so that concurrent customers ask different things.
 *
 * Some questions hand the conversation to a person (a complaint, a severe
 * allergy); the customer's later turns then take the short "a person has it"
 * path, as they would in production.
 */
export class Customers {
  private count = 0;
  private readonly current = new Map<number, { user: string; n: number; asked: number }>();

  constructor(
    private readonly prefix: string,
    private readonly turnsPerConversation: number,
  ) {}

  /** The next message of worker `worker`'s customer. */
  next(worker: number): { user: string; message: string } {
    let customer = this.current.get(worker);
    if (!customer || customer.asked >= this.turnsPerConversation) {
      const n = this.count++;
      customer = { user: `${this.prefix}${n}`, n, asked: 0 };
      this.current.set(worker, customer);
    }
    const message = customerQuestions[(customer.n * 7 + customer.asked) % customerQuestions.length]!;
    customer.asked++;
    return { user: customer.user, message };
  }

  /** Conversations started so far. */
  get conversations(): number {
    return this.count;
  }
}
