/**
 * Migration 6: what replicas of one server share beyond the store.
 *
 * `rate_buckets`: the request rate limits' token buckets, one row per scope
 * and key (src/store/postgres/postgres-rate-limits.ts). UNLOGGED: written on
 * every request, they skip the WAL; a crash of the database empties the
 * table, which only starts every bucket over full. `full_at` is when a row's
 * bucket is full again, after which it is the same as no row and is deleted.
 *
 * `conversations_notify`: every change to a conversation (a new message
 * touches its `updated_at`) sends NOTIFY `alambique_conversations` with the
 * tenant's id, at commit, to wake the live inboxes of every replica
 * (src/store/postgres/postgres-change-feed.ts).
 */
export const v6Replicas = `
CREATE UNLOGGED TABLE rate_buckets (
  scope text COLLATE "C" NOT NULL CHECK (length(scope) BETWEEN 1 AND 64),
  key text COLLATE "C" NOT NULL CHECK (length(key) <= 512),
  tokens double precision NOT NULL,
  allowed boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  full_at timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX rate_buckets_full ON rate_buckets (full_at);

CREATE FUNCTION alambique_notify_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('alambique_conversations', OLD.tenant_id);
  ELSE
    PERFORM pg_notify('alambique_conversations', NEW.tenant_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER conversations_notify AFTER INSERT OR UPDATE OR DELETE ON conversations
  FOR EACH ROW EXECUTE FUNCTION alambique_notify_conversation();
`;
