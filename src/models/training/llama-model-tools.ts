/**
 * FFI bindings (koffi) to the model-file calls of node-llama-cpp's libllama:
 * load a GGUF and read what serving needs (parameters, chat template), and
 * `llama_model_quantize`. Load only in a child process (`gguf-tool-worker`):
 * a native assert aborts its process.
 *
 * `llama_model_quantize_params` is laid out as in the bundled llama.cpp's
 * `include/llama.h` (gcc `offsetof`: 64 bytes; nthread 0, ftype 4,
 * output_tensor_type 8, token_embedding_type 12, six bools 16–21, five
 * pointers/size_t 24–56), and checked at open: its size and the defaults
 * `llama_model_quantize_default_params` returns. A mismatch is
 * TrainingError(engine_mismatch).
 */
import koffi from "koffi";
import { TrainingError } from "../../spec/students.js";
import { findLibrary, llamaBinaryDir } from "./llama-opt-library.js";
// Importing it also registers `alq_llama_model_params`, which the signatures below name.
import { EXPECTED_NODE_LLAMA_CPP, LogCallback } from "./llama-opt-structs.js";

export const QuantizeParams = koffi.struct("alq_llama_model_quantize_params", {
  nthread: "int32",
  ftype: "int32",
  output_tensor_type: "int32",
  token_embedding_type: "int32",
  allow_requantize: "bool",
  quantize_output_tensor: "bool",
  only_copy: "bool",
  pure: "bool",
  keep_split: "bool",
  dry_run: "bool",
  imatrix: "void *",
  kv_overrides: "void *",
  tt_overrides: "void *",
  prune_layers: "void *",
  max_buf_size: "size_t",
});

/** `enum llama_ftype` values of the quantizations students offer. */
export const LLAMA_FTYPE = { q8_0: 7, q4_k_m: 15 } as const;
export type StudentQuantization = keyof typeof LLAMA_FTYPE;

const GGML_TYPE_COUNT = 43;

/** Throws TrainingError(engine_mismatch) when the struct or its defaults are not this build's. */
export function checkQuantizeParams(defaults: Record<string, unknown>): void {
  const expected: [string, unknown, unknown][] = [
    ["sizeof(llama_model_quantize_params)", koffi.sizeof(QuantizeParams), 64],
    ["llama_model_quantize_params.ftype", defaults.ftype, LLAMA_FTYPE.q8_0],
    ["llama_model_quantize_params.output_tensor_type", defaults.output_tensor_type, GGML_TYPE_COUNT],
    ["llama_model_quantize_params.token_embedding_type", defaults.token_embedding_type, GGML_TYPE_COUNT],
    ["llama_model_quantize_params.allow_requantize", defaults.allow_requantize, false],
    ["llama_model_quantize_params.quantize_output_tensor", defaults.quantize_output_tensor, true],
    ["llama_model_quantize_params.dry_run", defaults.dry_run, false],
    ["llama_model_quantize_params.max_buf_size", Number(defaults.max_buf_size), 8 * 2 ** 30],
  ];
  for (const [name, actual, want] of expected) {
    if (actual !== want) {
      throw new TrainingError(
        "engine_mismatch",
        `${name} is ${String(actual)} here, expected ${String(want)}`,
        {
          hint: `Quantizing was written for node-llama-cpp ${EXPECTED_NODE_LLAMA_CPP}; install exactly that version.`,
        },
      );
    }
  }
}

/** Opens libllama, checks the quantize struct, and starts the CPU backends. Throws TrainingError(engine_mismatch). */
export function openLlamaModelTools(binDir = llamaBinaryDir()) {
  const ggml = koffi.load(findLibrary(binDir, "ggml"));
  const llama = koffi.load(findLibrary(binDir, "llama"));
  const fn = {
    loadAllFromPath: ggml.func("void ggml_backend_load_all_from_path(const char *dir)"),
    backendInit: llama.func("void llama_backend_init()"),
    logSet: llama.func("void llama_log_set(void *cb, void *ud)"),
    modelDefaultParams: llama.func("alq_llama_model_params llama_model_default_params()"),
    modelLoad: llama.func(
      "void *llama_model_load_from_file(const char *path, alq_llama_model_params params)",
    ),
    modelFree: llama.func("void llama_model_free(void *model)"),
    modelNParams: llama.func("uint64_t llama_model_n_params(void *model)"),
    chatTemplate: llama.func("const char *llama_model_chat_template(void *model, const char *name)"),
    quantizeDefaults: llama.func("alq_llama_model_quantize_params llama_model_quantize_default_params()"),
    quantize: llama.func(
      "uint32_t llama_model_quantize(const char *fname_inp, const char *fname_out, const alq_llama_model_quantize_params *params)",
    ),
  };
  checkQuantizeParams(fn.quantizeDefaults());
  const log = koffi.register((level: number, text: string) => {
    if (level === 3 || level === 4) process.stderr.write(`[llama.cpp] ${text}`);
  }, koffi.pointer(LogCallback));
  fn.logSet(log, null);
  fn.loadAllFromPath(binDir);
  fn.backendInit();

  return {
    /**
     * Loads `path` on the CPU as serving would (mmap) and reads its parameter
     * count and default chat template (null when it has none). Throws
     * TrainingError(command_no_output) when llama.cpp cannot load it.
     */
    inspect(path: string): { parameters: number; chatTemplate: string | null } {
      const params = fn.modelDefaultParams();
      params.n_gpu_layers = 0;
      const model = fn.modelLoad(path, params);
      if (!model) throw new TrainingError("command_no_output", `llama.cpp could not load ${path}`);
      try {
        return { parameters: Number(fn.modelNParams(model)), chatTemplate: fn.chatTemplate(model, null) };
      } finally {
        fn.modelFree(model);
      }
    },
    /** Writes `to`, `from` quantized. Throws TrainingError(quantize_failed). */
    quantize(from: string, to: string, type: StudentQuantization, threads: number): void {
      const params = fn.quantizeDefaults();
      params.ftype = LLAMA_FTYPE[type];
      params.nthread = threads;
      const rc = fn.quantize(from, to, params);
      if (rc !== 0) {
        throw new TrainingError(
          "quantize_failed",
          `llama.cpp could not quantize ${from} to ${type} (${rc})`,
          {
            hint: "llama.cpp printed the reason above.",
          },
        );
      }
    },
  };
}
