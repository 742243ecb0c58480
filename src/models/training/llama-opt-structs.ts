/**
 * The C layouts the training bindings (`llama-opt-library.ts`) pass and read,
 * for node-llama-cpp 3.22.1's llama.cpp (checked with gcc `offsetof` against
 * the bundled `include/llama.h` and `ggml.h`), and the self-checks that run
 * before any other native call: struct sizes, known defaults, the
 * `ggml_tensor` offsets and op numbers. A mismatch is
 * TrainingError(engine_mismatch): an upgrade moved something under us.
 */
import koffi from "koffi";
import { TrainingError } from "../../spec/students.js";
import { GGML_OP_CROSS_ENTROPY_LOSS, GGML_OP_CROSS_ENTROPY_LOSS_BACK, TENSOR } from "./loss-mask-hook.js";

export const GGML_TYPE_F32 = 0;
export const GGML_TYPE_I32 = 26;

/** The node-llama-cpp release these layouts were written for. */
export const EXPECTED_NODE_LLAMA_CPP = "3.22.1";

export const ModelParams = koffi.struct("alq_llama_model_params", {
  devices: "void *",
  tensor_buft_overrides: "void *",
  n_gpu_layers: "int32",
  split_mode: "int32",
  load_mode: "int32",
  lazy_mode: "int32",
  main_gpu: "int32",
  tensor_split: "void *",
  progress_callback: "void *",
  progress_callback_user_data: "void *",
  kv_overrides: "void *",
  vocab_only: "bool",
  check_tensors: "bool",
  use_extra_bufts: "bool",
  no_host: "bool",
  no_alloc: "bool",
  load_mtp: "bool",
});
export const ContextParams = koffi.struct("alq_llama_context_params", {
  n_ctx: "uint32",
  n_batch: "uint32",
  n_ubatch: "uint32",
  n_seq_max: "uint32",
  n_rs_seq: "uint32",
  n_outputs_max: "uint32",
  n_outputs_max_per_seq: "uint32",
  n_threads: "int32",
  n_threads_batch: "int32",
  ctx_type: "int32",
  rope_scaling_type: "int32",
  pooling_type: "int32",
  attention_type: "int32",
  flash_attn_type: "int32",
  rope_freq_base: "float",
  rope_freq_scale: "float",
  yarn_ext_factor: "float",
  yarn_attn_factor: "float",
  yarn_beta_fast: "float",
  yarn_beta_slow: "float",
  yarn_orig_ctx: "uint32",
  defrag_thold: "float",
  cb_eval: "void *",
  cb_eval_user_data: "void *",
  type_k: "int32",
  type_v: "int32",
  abort_callback: "void *",
  abort_callback_data: "void *",
  embeddings: "bool",
  offload_kqv: "bool",
  no_perf: "bool",
  op_offload: "bool",
  swa_full: "bool",
  kv_unified: "bool",
  samplers: "void *",
  n_samplers: "size_t",
  ctx_other: "void *",
});
export const OptParams = koffi.struct("alq_llama_opt_params", {
  n_ctx_train: "uint32",
  param_filter: "void *",
  param_filter_ud: "void *",
  get_opt_pars: "void *",
  get_opt_pars_ud: "void *",
  optimizer_type: "int32",
});
export const OptimizerParams = koffi.struct("alq_ggml_opt_optimizer_params", {
  adamw: koffi.struct({ alpha: "float", beta1: "float", beta2: "float", eps: "float", wd: "float" }),
  sgd: koffi.struct({ alpha: "float", wd: "float" }),
});
export const Batch = koffi.struct("alq_llama_batch", {
  n_tokens: "int32",
  token: "void *",
  embd: "void *",
  pos: "void *",
  n_seq_id: "void *",
  seq_id: "void *",
  logits: "void *",
});
export const LogCallback = koffi.proto(
  "void alq_ggml_log_callback(int level, const char *text, void *user_data)",
);
export const EpochCallback = koffi.proto(
  "void alq_ggml_opt_epoch_callback(bool train, void *opt_ctx, void *dataset, void *result, int64_t ibatch, int64_t ibatch_max, int64_t t_start_us)",
);
export const InitParams = koffi.struct("alq_ggml_init_params", {
  mem_size: "size_t",
  mem_buffer: "void *",
  no_alloc: "bool",
});

/** Sizes in bytes on x86-64 / arm64 (LP64), from the C compiler. */
export const EXPECTED_SIZES: [ReturnType<typeof koffi.struct>, string, number][] = [
  [ModelParams, "llama_model_params", 80],
  [ContextParams, "llama_context_params", 160],
  [OptParams, "llama_opt_params", 48],
  [OptimizerParams, "ggml_opt_optimizer_params", 28],
  [Batch, "llama_batch", 56],
  [InitParams, "ggml_init_params", 24],
];

/**
 * The `ggml_tensor` offsets and op numbers the loss-mask hook reads
 * (`TENSOR` in loss-mask-hook.ts), checked on a real tensor of this build.
 */
export function checkTensorLayout(fn: {
  ggmlInit: (p: object) => unknown;
  ggmlFree: (ctx: unknown) => void;
  newTensor2d: (ctx: unknown, type: number, ne0: number, ne1: number) => unknown;
  getData: (t: unknown) => unknown;
  opName: (op: number) => string;
}): void {
  const ctx = fn.ggmlInit({ mem_size: 1 << 16, mem_buffer: null, no_alloc: false });
  try {
    const t = fn.newTensor2d(ctx, GGML_TYPE_F32, 7, 3);
    const ok =
      Number(koffi.decode(t, TENSOR.ne, "int64")) === 7 &&
      Number(koffi.decode(t, TENSOR.ne + 8, "int64")) === 3 &&
      Number(koffi.decode(t, TENSOR.nb + 8, "uint64")) === 28 &&
      koffi.decode(t, TENSOR.op, "int32") === 0 &&
      koffi.address(koffi.decode(t, TENSOR.data, "void *")) === koffi.address(fn.getData(t)) &&
      fn.opName(GGML_OP_CROSS_ENTROPY_LOSS) === "CROSS_ENTROPY_LOSS" &&
      fn.opName(GGML_OP_CROSS_ENTROPY_LOSS_BACK) === "CROSS_ENTROPY_LOSS_BACK";
    if (!ok) {
      throw new TrainingError("engine_mismatch", "ggml_tensor's layout or op numbers are not this code's", {
        hint: `The built-in trainer was written for node-llama-cpp ${EXPECTED_NODE_LLAMA_CPP}; install exactly that version.`,
      });
    }
  } finally {
    fn.ggmlFree(ctx);
  }
}

/** Known defaults of this build: a different value means the layout moved under us. */
export function checkDefaults(
  context: Record<string, number>,
  optimizer: { adamw: Record<string, number> },
): void {
  const expected: [string, number, number][] = [
    ["llama_context_params.n_ctx", context.n_ctx ?? Number.NaN, 512],
    ["llama_context_params.n_batch", context.n_batch ?? Number.NaN, 2048],
    ["llama_context_params.n_ubatch", context.n_ubatch ?? Number.NaN, 512],
    ["llama_context_params.n_seq_max", context.n_seq_max ?? Number.NaN, 1],
    ["ggml_opt_optimizer_params.adamw.beta1", optimizer.adamw.beta1 ?? Number.NaN, 0.9],
  ];
  for (const [name, actual, want] of expected) {
    if (Math.abs(actual - want) > 1e-6) {
      throw new TrainingError("engine_mismatch", `${name} defaults to ${actual} here, expected ${want}`, {
        hint: `The built-in trainer was written for node-llama-cpp ${EXPECTED_NODE_LLAMA_CPP}; install exactly that version.`,
      });
    }
  }
}
