/**
 * Migration 8: token budgets and feedback caps shared by replicas, and
 * appending a message in one call.
 *
 * `budget_holds`: what requests in progress hold of their tenant's daily
 * token budget (src/store/postgres/postgres-token-budgets.ts); the day's
 * count stays in `tenant_usage`. A hold lives until its request settles it
 * or until `expires_at`, which the replica holding it pushes forward while
 * the request runs: a replica that dies leaves holds that lapse by
 * themselves. UNLOGGED like `rate_buckets`: a database crash only drops
 * holds, as it ends every request holding them.
 *
 * `alambique_budget_hold`: admission and hold in one call (one round trip),
 * serialised per tenant and day by a transaction advisory lock (key space
 * 1651074, apart from the turn locks' single-bigint keys). The count and the
 * holds are read in one statement after the lock is taken, so a settle
 * committed meanwhile is seen whole or not at all. The rule is
 * `decideHold` of src/spec/token-budgets.ts, mirrored here.
 *
 * `feedback_marks`: the answers each visitor and each client address rated
 * down per day (`subject` is `visitor:…` or `address:…`), for the caps of
 * src/server/limits/feedback-cap.ts; `alambique_feedback_admit` checks both
 * caps and counts under advisory locks on the visitor, then the address
 * (always in that order, so two calls never wait on each other in a circle).
 *
 * `alambique_append_message`: a message appended in one round trip instead
 * of a transaction of four (src/store/postgres/postgres-messages.ts). Its
 * two statements run in order inside the call, each with a fresh snapshot
 * (READ COMMITTED): the UPDATE locks the conversation's row, and the INSERT,
 * reading the highest seq after the lock is held, sees every append
 * committed before it.
 */
export const v8BudgetsFeedback = `
CREATE UNLOGGED TABLE budget_holds (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id text NOT NULL,
  day text NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  tokens bigint NOT NULL CHECK (tokens > 0),
  expires_at timestamptz NOT NULL
);
CREATE INDEX budget_holds_by_day ON budget_holds (tenant_id, day);
CREATE INDEX budget_holds_expiry ON budget_holds (expires_at);

CREATE FUNCTION alambique_budget_hold(p_tenant text, p_day text, p_limit bigint, p_wanted bigint, p_ttl_ms float8)
RETURNS TABLE (allowed boolean, hold_id bigint, held bigint, used bigint, holding bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_used bigint;
  v_holding bigint;
  v_left bigint;
  v_id bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(1651074, hashtext(p_tenant || ' ' || p_day));
  SELECT coalesce((SELECT u.tokens FROM tenant_usage u WHERE u.tenant_id = p_tenant AND u.day = p_day), 0),
         coalesce((SELECT sum(h.tokens) FROM budget_holds h
                   WHERE h.tenant_id = p_tenant AND h.day = p_day AND h.expires_at > clock_timestamp()), 0)
    INTO v_used, v_holding;
  v_left := greatest(0, p_limit - v_used - v_holding);
  IF v_used >= p_limit OR (p_wanted > v_left AND v_holding > 0) THEN
    RETURN QUERY SELECT false, NULL::bigint, 0::bigint, v_used, v_holding;
    RETURN;
  END IF;
  IF least(p_wanted, v_left) > 0 THEN
    INSERT INTO budget_holds (tenant_id, day, tokens, expires_at)
      VALUES (p_tenant, p_day, least(p_wanted, v_left), clock_timestamp() + p_ttl_ms * interval '1 millisecond')
      RETURNING id INTO v_id;
  END IF;
  RETURN QUERY SELECT true, v_id, least(p_wanted, v_left), v_used, v_holding;
END $$;

CREATE TABLE feedback_marks (
  day text NOT NULL CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  subject text COLLATE "C" NOT NULL CHECK (length(subject) <= 600),
  answer_id text COLLATE "C" NOT NULL CHECK (length(answer_id) <= 200),
  PRIMARY KEY (day, subject, answer_id)
);
SELECT alambique_cap_table('feedback_marks');

CREATE FUNCTION alambique_append_message(p_id text, p_conversation text, p_role text, p_content text,
  p_metadata json, p_at timestamptz)
RETURNS SETOF messages LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversations SET updated_at = p_at WHERE id = p_conversation;
  RETURN QUERY
    INSERT INTO messages AS m (id, conversation_id, seq, role, content, metadata, created_at)
      SELECT p_id, p_conversation, coalesce(max(x.seq), 0) + 1, p_role, p_content, p_metadata, p_at
        FROM messages x WHERE x.conversation_id = p_conversation
      RETURNING m.*;
END $$;

CREATE FUNCTION alambique_feedback_admit(p_day text, p_visitor text, p_address text, p_answer text,
  p_per_visitor integer, p_per_address integer)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(1651075, hashtext(p_day || ' ' || p_visitor));
  PERFORM pg_advisory_xact_lock(1651076, hashtext(p_day || ' ' || p_address));
  IF EXISTS (SELECT 1 FROM feedback_marks WHERE day = p_day AND subject = p_visitor AND answer_id = p_answer) THEN
    RETURN true;
  END IF;
  IF (SELECT count(*) FROM feedback_marks WHERE day = p_day AND subject = p_visitor) >= p_per_visitor
     OR (SELECT count(*) FROM feedback_marks WHERE day = p_day AND subject = p_address) >= p_per_address THEN
    RETURN false;
  END IF;
  INSERT INTO feedback_marks (day, subject, answer_id)
    VALUES (p_day, p_visitor, p_answer), (p_day, p_address, p_answer) ON CONFLICT DO NOTHING;
  RETURN true;
END $$;
`;
