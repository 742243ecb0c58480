// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
/**
 * The server's own secrets (the key that signs visitor tokens), kept in the
 * store so that every replica of a scaled-out server shares them. Never shown
 * through the API; removing one (by hand, in the database) rotates it.
 */
export interface SecretsRepository {
  /**
   * The secret called `name`: `bytes` random bytes made by the store the first
   * time it is asked for, the same bytes afterwards (two callers racing get one
   * secret). ValidationError for a name that is not 1–64 of `a-z0-9._-` or a
   * size outside 16–1024.
   */
  getOrCreate(name: string, bytes: number): Promise<Buffer>;
}
