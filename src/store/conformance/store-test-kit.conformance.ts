/**
 * Shared pieces of the store conformance suite: opening stores by URL (each
 * closed after its test), seeding rows, and asserting error kinds. Written
 * only against the `Store` interface and `openStore(url)`.
 */
import { afterEach, expect } from "vitest";
import { NotFoundError, StoreError, type StoreErrorKind, ValidationError } from "../../spec/errors.js";
import type { AgentRecord, Conversation, Store, Tenant } from "../../spec/store.js";
import { type OpenStoreOptions, openStore } from "../open-store.js";

export interface StoreTestKit {
  /** A URL no store has used yet. */
  url(): Promise<string>;
  /** Opens a store on `url`; it is closed after the test. */
  open(url: string, options?: OpenStoreOptions): Promise<Store>;
  /** A store on a fresh URL. */
  fresh(): Promise<Store>;
}

/** Call inside a `describe`: registers the `afterEach` that closes what the test opened. */
export function createStoreTestKit(makeUrl: () => Promise<string>): StoreTestKit {
  const opened: Store[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  const open = async (url: string, options?: OpenStoreOptions) => {
    const store = await openStore(url, options);
    opened.push(store);
    return store;
  };
  return { url: makeUrl, open, fresh: async () => open(await makeUrl()) };
}

let seedCounter = 0;

export async function seedTenant(store: Pick<Store, "tenants">, prefix = "tenant"): Promise<Tenant> {
  seedCounter += 1;
  return store.tenants.create({ slug: `${prefix}-${seedCounter}`, name: `Tenant ${seedCounter}` });
}

export interface SeededConversation {
  tenant: Tenant;
  agent: AgentRecord;
  conversation: Conversation;
}

export async function seedConversation(
  store: Store,
  externalUserId = "customer-1",
): Promise<SeededConversation> {
  const tenant = await seedTenant(store);
  const agent = await store.agents.create({ tenantId: tenant.id, name: "helper", spec: { persona: "kind" } });
  const conversation = await store.conversations.create({
    tenantId: tenant.id,
    agentId: agent.id,
    externalUserId,
  });
  return { tenant, agent, conversation };
}

/** Awaits `promise`, expects it to reject with `StoreError(kind)`, and returns the error. */
export async function expectStoreError(promise: Promise<unknown>, kind: StoreErrorKind): Promise<StoreError> {
  const error = await settleError(promise, `StoreError(${kind})`);
  expect(error).toBeInstanceOf(StoreError);
  const storeError = error as StoreError;
  expect(storeError.kind, storeError.message).toBe(kind);
  expect(storeError.message.length).toBeGreaterThan(0);
  if (kind === "unique" || kind === "not_null" || kind === "foreign_key") {
    // Driver constraint violations keep the driver's error.
    expect(storeError.cause).toBeDefined();
  }
  return storeError;
}

export async function expectNotFound(promise: Promise<unknown>): Promise<void> {
  const error = await settleError(promise, "NotFoundError");
  expect(error).toBeInstanceOf(NotFoundError);
}

/** Awaits `promise`, expects a `ValidationError` whose message matches `message`, and returns it. */
export async function expectValidationError(
  promise: Promise<unknown>,
  message?: RegExp,
): Promise<ValidationError> {
  const error = await settleError(promise, "ValidationError");
  expect(error).toBeInstanceOf(ValidationError);
  const validation = error as ValidationError;
  if (message) expect(validation.message).toMatch(message);
  expect(validation.hint).toBeTruthy();
  return validation;
}

async function settleError(promise: Promise<unknown>, expected: string): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected ${expected}, but the call resolved with ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** UUID v7 as the stores write it. */
export const uuidV7Pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** ISO-8601 UTC, as `Date.prototype.toISOString` writes it. */
export const isoTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
