/**
 * Every stable `code` an `AlambiqueError` (or an error body the server writes
 * itself) can carry, with the HTTP status it goes with and what it means: the
 * one list programs branch on, as fastify keeps `lib/errors.js`.
 *
 * `AlambiqueError`'s `code` is typed against it, so a new code is added here
 * first; `error-codes.test.ts` fails when a code here is missing from the
 * README's error table (code | HTTP status | meaning | what to do) or a code
 * written in src is missing here. The status is the default of an error made
 * with the code; a few callers pass another one (see the README).
 */
export interface ErrorCodeEntry {
  status: number;
  meaning: string;
}

export const errorCodes = {
  // Any command or request.
  usage: {
    status: 400,
    meaning: "The command was used wrongly: an unknown command or flag, a missing argument.",
  },
  config_invalid: { status: 400, meaning: "A configuration file or environment variable is invalid." },
  invalid_request: { status: 400, meaning: "The request does not match what the route accepts." },
  not_found: { status: 404, meaning: "The thing named does not exist (for this tenant)." },
  internal_error: { status: 500, meaning: "An unexpected failure on the server's side." },
  cancelled: { status: 503, meaning: "The request was cancelled before it finished." },

  // The HTTP server: bodies, keys, limits, lifecycle.
  invalid_json: { status: 400, meaning: "The request body is empty or not valid JSON." },
  forbidden_key: { status: 400, meaning: "The body has a `__proto__` or `constructor.prototype` key." },
  body_too_large: { status: 413, meaning: "The request body is over the server's size limit." },
  unsupported_media_type: { status: 415, meaning: "The body's Content-Type is not one the route reads." },
  unknown_url: { status: 404, meaning: "No route answers this method and path." },
  invalid_api_key: {
    status: 401,
    meaning: "No API key, an unknown or revoked one, or an expired visitor token.",
  },
  insufficient_scope: { status: 403, meaning: "The key is valid but may not call this route." },
  operator_only: { status: 403, meaning: "Only the operator (the default tenant's admin) may set this." },
  origin_not_allowed: { status: 403, meaning: "The page's origin is not in the agent's `widget.origins`." },
  rate_limit_exceeded: { status: 429, meaning: "Too many requests per minute from this key or visitor." },
  insufficient_quota: { status: 429, meaning: "The tenant's daily token budget is used up or held." },
  model_overloaded: { status: 429, meaning: "Every slot of the model is busy and its waiting line is full." },
  timeout: { status: 504, meaning: "A non-streaming request ran past its deadline and was stopped." },
  shutting_down: { status: 503, meaning: "The server is shutting down." },
  starting: { status: 503, meaning: "The demo is still starting." },
  port_in_use: { status: 409, meaning: "`serve` or `demo` cannot listen: another program has the port." },
  port_not_allowed: { status: 403, meaning: "`serve` or `demo` may not listen on that port (below 1024)." },
  invalid_cursor: { status: 400, meaning: "`after` is not a cursor from this list." },
  conversation_closed: { status: 409, meaning: "The conversation is closed." },
  spec_changed: {
    status: 412,
    meaning: "The agent was changed (or created) by someone else since it was read (`If-Match`).",
  },
  tenant_exists: { status: 409, meaning: "A tenant with this slug exists already." },
  last_admin_key: { status: 409, meaning: "Revoking this key would leave the tenant without an admin key." },
  invalid_yaml: { status: 400, meaning: "The YAML body cannot be parsed." },
  model_not_found: { status: 404, meaning: "No model or agent of this name is served to this key." },
  model_not_allowed: { status: 403, meaning: "A visitor session may use its own agent only." },
  embedding_model_not_found: { status: 409, meaning: "The agent's embedding model is not in the catalog." },
  no_files: { status: 400, meaning: "The upload has no file." },
  duplicate_file: { status: 400, meaning: "Two files of one upload have the same name." },
  invalid_file_name: { status: 400, meaning: "A file name is empty, a path, or over 200 characters." },
  invalid_multipart: { status: 400, meaning: "The multipart/form-data body is malformed." },
  file_too_large: { status: 413, meaning: "A file is over the size limit for one file." },
  too_many_files: { status: 413, meaning: "The upload has more files than allowed." },
  too_many_fields: { status: 413, meaning: "The upload has too many form fields." },
  unsupported: { status: 400, meaning: "The model does not support a feature the request uses." },
  invalid_prompt: { status: 400, meaning: "The messages cannot be turned into a prompt for the model." },
  too_many_inputs: { status: 400, meaning: "More embedding inputs than the model takes in one call." },
  rate_limited: { status: 429, meaning: "The model engine behind the server is rate-limiting." },
  upstream_error: { status: 502, meaning: "The model engine behind the server failed." },
  turn_failed: { status: 500, meaning: "The agent's turn failed; the customer read a polite message." },

  // Agents' tools.
  mcp_unavailable: { status: 503, meaning: "An MCP server could not be started, reached or listed." },
  mcp_closed: { status: 500, meaning: "The MCP connection was used after it was closed." },
  missing_secret: { status: 503, meaning: "An environment variable a tool needs (a secret) is not set." },
  address_refused: { status: 403, meaning: "A tool's call went to an address that is not public internet." },

  // Knowledge.
  document_too_large: {
    status: 413,
    meaning: "A document is over an ingestion limit (bytes, pages, characters).",
  },
  upload_too_large: { status: 413, meaning: "An upload's documents together are over an ingestion limit." },
  upload_queue_full: {
    status: 413,
    meaning:
      "The tenant's queued uploads would go past their bound on bytes held in the store, or it already has 50 unfinished ones.",
  },
  document_too_slow: { status: 422, meaning: "A document took longer to read than the ingestion allows." },
  knowledge_embedding_stuck: {
    status: 500,
    meaning: "The store keeps listing embedded chunks as pending (a bug).",
  },

  // Models: files, the embedded engine, downloads, the forge.
  model_not_gguf: { status: 400, meaning: "The model file is not a GGUF file." },
  model_unsupported: { status: 400, meaning: "This llama.cpp does not support the model's architecture." },
  model_corrupt: { status: 400, meaning: "The model file is damaged or truncated." },
  model_unreadable: { status: 500, meaning: "The model file cannot be read." },
  model_load_failed: { status: 500, meaning: "llama.cpp could not load the model." },
  model_too_large: { status: 503, meaning: "Not enough free memory to load the model or its context." },
  model_pool_disposed: { status: 503, meaning: "The model pool was closed while the request waited." },
  model_busy: { status: 503, meaning: "Every sequence of the model stayed busy past the queue timeout." },
  model_not_downloaded: { status: 409, meaning: "The model is in the catalog but its file is not here." },
  model_exists: {
    status: 409,
    meaning: "The catalog has a model of this name (or a download is adding one).",
  },
  context_length_exceeded: { status: 400, meaning: "The prompt (and reply) do not fit the model's context." },
  too_many_embedding_values: { status: 400, meaning: "More values in one embedding call than allowed." },
  embedding_failed: { status: 400, meaning: "The embedded engine could not embed a value." },
  download_failed: { status: 502, meaning: "Hugging Face could not be reached or the download broke." },
  download_unauthorized: { status: 403, meaning: "The Hugging Face model is gated or private." },
  download_not_found: { status: 404, meaning: "The Hugging Face repository or file does not exist." },
  forge_failed: { status: 500, meaning: "The forge could not make a test model." },
  gguf_invalid: { status: 500, meaning: "The GGUF writer was given something it cannot write (a bug)." },

  // Models behind an OpenAI-compatible engine.
  engine_unreachable: { status: 502, meaning: "Nothing answered at the engine's base URL." },
  engine_timeout: { status: 504, meaning: "The engine did not answer in time." },
  engine_unauthorized: { status: 502, meaning: "The engine refused its API key." },
  engine_incompatible: { status: 502, meaning: "The engine's answer is not the OpenAI API." },
  engine_model_not_found: { status: 502, meaning: "The engine does not serve the model asked for." },
  engine_rejected_request: { status: 400, meaning: "The engine refused the request as invalid." },
  engine_busy: { status: 429, meaning: "The engine is rate-limiting requests." },
  engine_failed: { status: 502, meaning: "The engine answered with an error." },
  tool_call_missing: {
    status: 502,
    meaning: "A tool call was required, but the engine answered without a valid one.",
  },
  engine_api_key_missing: {
    status: 500,
    meaning: "The variable that should hold the engine's key is not set.",
  },
  invalid_base_url: { status: 400, meaning: "The engine's base URL is not http(s)." },

  // Synthetic data and datasets.
  agent_has_no_knowledge: { status: 422, meaning: "The agent has no knowledge to make questions from." },
  synth_nothing_planned: { status: 422, meaning: "The steps planned no tasks for the job." },
  synth_agent_gone: { status: 410, meaning: "The job's agent was removed: the job cannot go on." },
  job_paused: { status: 409, meaning: "The job is paused." },
  job_finished: { status: 409, meaning: "The job has finished or been cancelled." },
  job_busy: { status: 409, meaning: "Another worker holds the job's lease." },
  model_timeout: { status: 504, meaning: "A teacher or judge gave no answer within the call timeout." },
  license_forbids_training: {
    status: 403,
    meaning: "The teacher's licence forbids training on its outputs.",
  },
  chunk_gone: { status: 409, meaning: "A knowledge chunk the job planned from was removed." },
  conversation_unusable: {
    status: 422,
    meaning: "The conversation has no answer of the agent to learn from.",
  },
  export_failed: { status: 500, meaning: "The dataset could not be written out." },

  // Training a student (`TrainingError`: `training_` and its reason).
  training_dataset_not_frozen: { status: 400, meaning: "The dataset is not frozen." },
  training_base_not_trainable: { status: 400, meaning: "The base's weights are not F32 (quantized or F16)." },
  training_base_no_chat_template: { status: 400, meaning: "The base has no chat template." },
  training_base_not_local: { status: 400, meaning: "The base is not a local GGUF file." },
  training_too_little_data: {
    status: 400,
    meaning: "Fewer tokens than one window in the training or validation data.",
  },
  training_not_enough_memory: { status: 507, meaning: "Not enough memory to train." },
  training_engine_mismatch: {
    status: 500,
    meaning: "The training library does not match this code's layouts.",
  },
  training_engine_failed: { status: 500, meaning: "The training process died or reported an error." },
  training_cancelled: { status: 499, meaning: "Training was cancelled." },
  training_command_not_configured: {
    status: 400,
    meaning: "`--engine command` needs `training.command` in alambique.yaml.",
  },
  training_command_failed: {
    status: 502,
    meaning: "The trainer sidecar could not start or exited non-zero.",
  },
  training_command_timeout: { status: 504, meaning: "The trainer sidecar reported no progress in time." },
  training_command_no_output: {
    status: 502,
    meaning: "The trainer sidecar left no GGUF that loads with a chat template.",
  },
  distill_unavailable: {
    status: 503,
    meaning: "This server cannot start distillation loops (no models folder).",
  },
  training_command_still_running: {
    status: 409,
    meaning: "An earlier session's trainer sidecar is still running and could not be stopped.",
  },
  training_quantize_failed: { status: 500, meaning: "llama.cpp could not quantize the student." },
  training_adapter_invalid: { status: 400, meaning: "The file is not a GGUF LoRA adapter." },
  training_adapter_mismatch: { status: 400, meaning: "The LoRA adapter does not fit the base model." },
  student_in_use: { status: 409, meaning: "An agent answers with the student: it cannot be removed." },

  // Evaluating a student and promoting it (`eval`, `students promote|rollback`).
  eval_no_test_split: { status: 422, meaning: "The dataset has no test split to evaluate on." },
  eval_test_overlap: { status: 409, meaning: "The test split overlaps rows the candidate was trained on." },
  eval_dataset_changed: { status: 409, meaning: "The dataset's rows changed since the evaluation started." },
  eval_agent_gone: { status: 410, meaning: "The evaluation's agent was removed: the job cannot go on." },
  no_scorecard: { status: 409, meaning: "The student has no scorecard on the agent to promote it with." },
  gate_not_met: { status: 409, meaning: "The student's latest scorecard does not meet the agent's gate." },
  nothing_to_roll_back: { status: 409, meaning: "The agent has no promotion left to undo." },

  // Channels (WhatsApp, Telegram): webhooks, sends, credentials.
  channel_signature_invalid: {
    status: 401,
    meaning: "A channel webhook's signature or secret token is missing or wrong.",
  },
  channel_window_closed: {
    status: 409,
    meaning: "WhatsApp's 24-hour window since the customer's last message is closed.",
  },
  channel_send_failed: {
    status: 502,
    meaning: "The channel's provider refused or failed to take a message.",
  },
  secret_key_missing: {
    status: 503,
    meaning: "Channel secrets cannot be stored or read: `ALAMBIQUE_SECRET_KEY` is not set or wrong.",
  },

  // Storage (`StoreError`: `store_` and its kind), the same for every store.
  store_unique: { status: 409, meaning: "Another row has the same key." },
  store_not_null: { status: 400, meaning: "A required value is missing." },
  store_foreign_key: {
    status: 409,
    meaning: "A referenced row (tenant, agent, conversation) does not exist.",
  },
  store_check: { status: 400, meaning: "A value the store does not allow, or a job lease no longer held." },
  store_locked: { status: 503, meaning: "Another writer held the database past the busy timeout." },
  store_not_a_database: { status: 500, meaning: "The database file is not a database." },
  store_newer_schema: { status: 500, meaning: "The database was written by a newer Alambique." },
  store_corrupt: { status: 500, meaning: "The database file is damaged." },
  store_unavailable: { status: 503, meaning: "The database cannot be opened, read or written." },
  store_full: { status: 507, meaning: "The disk (or the database's size cap) is full." },
  store_unknown: { status: 500, meaning: "Any other storage failure." },
  migration_pending: {
    status: 503,
    meaning: "The database's schema is older than this Alambique, and migrating on start is off.",
  },
  copy_destination_not_empty: { status: 409, meaning: "The store to copy into already holds data." },
  copy_mismatch: { status: 500, meaning: "A copied table's count or checksum differs from its source." },
  conversation_busy: {
    status: 409,
    meaning: "Another replica is still answering this customer's previous message.",
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof errorCodes;

/** Whether `value` is a code of the registry (for codes read from outside: IPC, a JSON body). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(errorCodes, value);
}
