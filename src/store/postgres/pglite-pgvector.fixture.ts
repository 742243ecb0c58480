/**
 * Real pgvector for tests and benchmarks: PGlite (PostgreSQL compiled to
 * WASM, single-threaded, in memory) with the pgvector extension and the
 * contrib modules the store needs, served over the PostgreSQL wire protocol
 * on 127.0.0.1 by pglite-socket, so the store's own `pg` pool talks to it as
 * to any server. PGlite is one backend with one database (the name in a URL
 * is ignored, and so are startup options such as lock_timeout): the socket
 * server multiplexes its connections query by query, so open stores on it
 * with `poolSize: 1` (two connections' transactions would interleave on the
 * one session), and keep tests apart by tenant, not by database.
 */
import { type Extensions, PGlite } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface PgliteServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  url: string;
  /** The WASM database itself, for what a test does behind the store's back. */
  db: PGlite;
  stop(): Promise<void>;
}

/**
 * Starts PGlite with pgvector behind a socket on a free port (takes a few seconds: the WASM compiles).
 * `pgvector: false`: without it (a server where pgvector is absent: not even in pg_available_extensions).
 */
export async function startPgliteServer(options: { pgvector?: boolean } = {}): Promise<PgliteServer> {
  const extensions: Extensions =
    options.pgvector === false ? { unaccent, btree_gin } : { vector, unaccent, btree_gin };
  const db = await PGlite.create({ extensions });
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 4 });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    db,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
