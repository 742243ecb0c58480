/**
 * The SQLite repositories are written synchronously (better-sqlite3 is a
 * synchronous driver); `SyncRepositories` is `StoreRepositories` with every
 * `Promise<R>` replaced by `R`, so the compiler checks each repository against
 * the contract. `toAsyncRepositories` wraps them back into the contract, every
 * call going through `run` (which serialises calls and normalises errors).
 */
import type { StoreRepositories } from "../../spec/store.js";

type Synchronous<T> = {
  [M in keyof T]: T[M] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};

export type SyncRepositories = { [K in keyof StoreRepositories]: Synchronous<StoreRepositories[K]> };

/** Runs one synchronous repository call; resolves with its result or rejects with its error. */
export type RepositoryRunner = <R>(call: () => R) => Promise<R>;

export function toAsyncRepositories(sync: SyncRepositories, run: RepositoryRunner): StoreRepositories {
  const repositories: Record<string, Record<string, unknown>> = {};
  for (const [name, repository] of Object.entries(sync)) {
    const methods: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(
      repository as Record<string, (...args: unknown[]) => unknown>,
    )) {
      methods[method] = (...args: unknown[]) => run(() => fn(...args));
    }
    repositories[name] = methods;
  }
  return repositories as unknown as StoreRepositories;
}
