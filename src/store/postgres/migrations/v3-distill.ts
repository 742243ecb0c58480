/**
 * Migration 3: synthetic-data plans and rows, datasets, evaluation results,
 * scorecards and promotions. What must never change (a frozen dataset, a
 * scorecard) is refused by triggers with SQLSTATE check_violation, whatever
 * code path tries it. References that must stay within one tenant are
 * composite (tenant_id, id) keys; ON DELETE SET NULL (column) clears only the
 * reference, never the tenant.
 */
export const v3Distill = `
CREATE TABLE synth_tasks (
  job_id text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  ordinal integer NOT NULL CHECK (ordinal >= 0),
  key text COLLATE "C" NOT NULL CHECK (length(key) > 0),
  kind text NOT NULL CHECK (kind IN ('qa', 'conversation', 'real')),
  cell json NOT NULL CHECK (json_typeof(cell) = 'object'),
  PRIMARY KEY (job_id, ordinal),
  UNIQUE (job_id, key)
);

CREATE TABLE synth_rows (
  job_id text NOT NULL,
  key text COLLATE "C" NOT NULL,
  dropped text CHECK (length(dropped) > 0),
  language text NOT NULL,
  intent text NOT NULL,
  input_tokens bigint NOT NULL CHECK (input_tokens >= 0),
  output_tokens bigint NOT NULL CHECK (output_tokens >= 0),
  judge_input_tokens bigint NOT NULL CHECK (judge_input_tokens >= 0),
  judge_output_tokens bigint NOT NULL CHECK (judge_output_tokens >= 0),
  row json NOT NULL CHECK (json_typeof(row) = 'object'),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (job_id, key),
  FOREIGN KEY (job_id, key) REFERENCES synth_tasks (job_id, key) ON DELETE CASCADE
);

CREATE TABLE datasets (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text COLLATE "C" NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  version integer NOT NULL CHECK (version >= 1),
  job_id text REFERENCES jobs (id) ON DELETE SET NULL,
  card json NOT NULL CHECK (json_typeof(card) = 'object'),
  row_count integer NOT NULL CHECK (row_count >= 0),
  train_rows integer NOT NULL CHECK (train_rows >= 0),
  validation_rows integer NOT NULL CHECK (validation_rows >= 0),
  test_rows integer NOT NULL CHECK (test_rows >= 0),
  frozen_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (tenant_id, name, version),
  UNIQUE (tenant_id, id)
);

CREATE TABLE dataset_rows (
  dataset_id text NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  ordinal integer NOT NULL CHECK (ordinal >= 0),
  split text NOT NULL CHECK (split IN ('train', 'validation', 'test')),
  key text NOT NULL CHECK (length(key) > 0),
  intent text NOT NULL,
  language text NOT NULL,
  row json NOT NULL CHECK (json_typeof(row) = 'object'),
  PRIMARY KEY (dataset_id, ordinal),
  UNIQUE (dataset_id, key)
);
CREATE INDEX dataset_rows_by_split ON dataset_rows (dataset_id, split, ordinal);

-- A frozen dataset never changes; only job_id may still become NULL (its job removed).
CREATE FUNCTION alambique_dataset_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.frozen_at IS NOT NULL AND
     (NEW.tenant_id, NEW.name, NEW.version, NEW.card::text, NEW.row_count, NEW.train_rows,
      NEW.validation_rows, NEW.test_rows, NEW.frozen_at)
     IS DISTINCT FROM
     (OLD.tenant_id, OLD.name, OLD.version, OLD.card::text, OLD.row_count, OLD.train_rows,
      OLD.validation_rows, OLD.test_rows, OLD.frozen_at) THEN
    RAISE EXCEPTION 'the dataset is frozen' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER datasets_frozen BEFORE UPDATE ON datasets
  FOR EACH ROW EXECUTE FUNCTION alambique_dataset_frozen();

CREATE FUNCTION alambique_dataset_rows_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT frozen_at FROM datasets WHERE id = NEW.dataset_id) IS NOT NULL THEN
    RAISE EXCEPTION 'the dataset is frozen' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER dataset_rows_frozen BEFORE INSERT OR UPDATE ON dataset_rows
  FOR EACH ROW EXECUTE FUNCTION alambique_dataset_rows_frozen();

CREATE TABLE eval_results (
  job_id text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  key text COLLATE "C" NOT NULL CHECK (length(key) > 0),
  ordinal integer NOT NULL CHECK (ordinal >= 0),
  result json NOT NULL CHECK (json_typeof(result) = 'object'),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (job_id, key)
);
CREATE INDEX eval_results_by_ordinal ON eval_results (job_id, ordinal, key);

CREATE TABLE eval_scorecards (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  job_id text REFERENCES jobs (id) ON DELETE SET NULL,
  candidate text NOT NULL CHECK (length(candidate) > 0),
  reference text NOT NULL CHECK (length(reference) > 0),
  judge text NOT NULL CHECK (length(judge) > 0),
  dataset_id text REFERENCES datasets (id) ON DELETE SET NULL,
  dataset_hash text NOT NULL CHECK (length(dataset_hash) > 0),
  seed bigint NOT NULL,
  gate_passed boolean NOT NULL,
  scorecard json NOT NULL CHECK (json_typeof(scorecard) = 'object'),
  created_at timestamptz NOT NULL,
  UNIQUE (agent_id, candidate, version),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX eval_scorecards_by_creation ON eval_scorecards (tenant_id, created_at, id);

CREATE FUNCTION alambique_scorecard_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.id, NEW.tenant_id, NEW.agent_id, NEW.version, NEW.candidate, NEW.reference, NEW.judge,
      NEW.dataset_hash, NEW.seed, NEW.gate_passed, NEW.scorecard::text, NEW.created_at)
     IS DISTINCT FROM
     (OLD.id, OLD.tenant_id, OLD.agent_id, OLD.version, OLD.candidate, OLD.reference, OLD.judge,
      OLD.dataset_hash, OLD.seed, OLD.gate_passed, OLD.scorecard::text, OLD.created_at) THEN
    RAISE EXCEPTION 'a scorecard never changes' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER eval_scorecards_immutable BEFORE UPDATE ON eval_scorecards
  FOR EACH ROW EXECUTE FUNCTION alambique_scorecard_immutable();

CREATE TABLE agent_promotions (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  seq integer NOT NULL CHECK (seq >= 1),
  action text NOT NULL CHECK (action IN ('promote', 'rollback')),
  model text CHECK (length(model) > 0),
  previous_model text CHECK (length(previous_model) > 0),
  scorecard_id text,
  forced boolean NOT NULL,
  why text,
  actor text NOT NULL CHECK (length(actor) > 0),
  reverts_id text,
  created_at timestamptz NOT NULL,
  UNIQUE (agent_id, seq),
  UNIQUE (tenant_id, agent_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, scorecard_id) REFERENCES eval_scorecards (tenant_id, id)
    ON DELETE SET NULL (scorecard_id),
  FOREIGN KEY (tenant_id, agent_id, reverts_id) REFERENCES agent_promotions (tenant_id, agent_id, id)
    ON DELETE SET NULL (reverts_id)
);
`;

/**
 * Migration 4: the size cap (`OpenStoreOptions.maxSizeBytes`). A connection
 * opened with the setting `alambique.max_size_bytes` refuses every INSERT
 * and UPDATE once the database is larger, with SQLSTATE disk_full (53100),
 * as a full disk would; other connections are not capped. Tables added by
 * later migrations call `alambique_cap_table` for theirs.
 */
export const v4SizeCap = `
CREATE FUNCTION alambique_enforce_size_cap() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cap text := current_setting('alambique.max_size_bytes', true);
BEGIN
  IF cap IS NOT NULL AND cap <> '' AND pg_database_size(current_database()) > cap::bigint THEN
    RAISE EXCEPTION 'the database is larger than its size cap of % bytes', cap USING ERRCODE = 'disk_full';
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION alambique_cap_table(name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %I FOR EACH STATEMENT '
    'EXECUTE FUNCTION alambique_enforce_size_cap()', name || '_size_cap', name);
END $$;
SELECT alambique_cap_table(c.relname) FROM pg_class c
  WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname <> 'alambique_migrations';
`;
