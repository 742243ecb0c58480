/**
 * FFI bindings (koffi) to llama.cpp's training API in the `libllama` that
 * node-llama-cpp ships prebuilt: `llama_opt_init` / `llama_opt_epoch` (ggml-opt,
 * AdamW) and just enough around them to load a model, decode once and save.
 *
 * Load this module only in the training child process: any GGML_ASSERT in
 * native code aborts the whole process, and `llama_opt_epoch` cannot be
 * interrupted (a cancel is a kill).
 *
 * The struct layouts (`llama-opt-structs.ts`) are those of node-llama-cpp
 * 3.22.1's llama.cpp: package.json pins node-llama-cpp exactly, and
 * `openLlamaOptLibrary` checks sizes, known defaults and the tensor layout
 * before anything else runs, throwing TrainingError(engine_mismatch).
 */
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import koffi from "koffi";
import { TrainingError } from "../../spec/students.js";
import {
  checkDefaults,
  checkTensorLayout,
  EpochCallback,
  EXPECTED_NODE_LLAMA_CPP,
  EXPECTED_SIZES,
  GGML_TYPE_F32,
  GGML_TYPE_I32,
  LogCallback,
  OptimizerParams,
} from "./llama-opt-structs.js";

export { EXPECTED_NODE_LLAMA_CPP, GGML_TYPE_F32, GGML_TYPE_I32 } from "./llama-opt-structs.js";

/**
 * The folder of llama.cpp shared libraries the built-in trainer and the GGUF
 * tools load: `ALAMBIQUE_LLAMA_LIBRARIES` when set (a llama.cpp build of the
 * same commit node-llama-cpp bundles, e.g. one compiled for this CPU with
 * `-march=native` and OpenMP, which trains faster than the generic prebuilt
 * binaries: README "Students"), else node-llama-cpp's prebuilt CPU binaries
 * for this platform. The struct and defaults check at open refuses a build
 * whose layouts differ.
 */
export function llamaBinaryDir(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.ALAMBIQUE_LLAMA_LIBRARIES;
  if (chosen !== undefined && chosen !== "") {
    const hint = `Point ALAMBIQUE_LLAMA_LIBRARIES at the folder holding libllama, libggml and libggml-base of a llama.cpp build (e.g. build/bin) of the commit node-llama-cpp ${EXPECTED_NODE_LLAMA_CPP} bundles, or unset it to use node-llama-cpp's prebuilt binaries.`;
    let entries: string[];
    try {
      entries = readdirSync(chosen);
    } catch (error) {
      throw new TrainingError("engine_mismatch", `ALAMBIQUE_LLAMA_LIBRARIES: cannot read ${chosen}`, {
        hint,
        cause: error,
      });
    }
    const missing = ["llama", "ggml", "ggml-base"].filter(
      (stem) => !entries.some((file) => libraryPattern(stem).test(file)),
    );
    if (missing.length > 0) {
      throw new TrainingError(
        "engine_mismatch",
        `ALAMBIQUE_LLAMA_LIBRARIES: no ${missing.map((stem) => `lib${stem}`).join(", ")} in ${chosen}`,
        { hint },
      );
    }
    return chosen;
  }
  const require = createRequire(import.meta.url);
  const pkg = `@node-llama-cpp/${process.platform}-${process.arch}`;
  let dir: string;
  try {
    // Its entry point is dist/index.js; the binaries are in bins/ beside dist/.
    dir = dirname(dirname(require.resolve(pkg)));
  } catch (error) {
    throw new TrainingError(
      "engine_mismatch",
      `node-llama-cpp has no prebuilt binaries for ${process.platform}-${process.arch}`,
      {
        hint: "The built-in trainer runs on the platforms node-llama-cpp ships prebuilt CPU binaries for (linux-x64, linux-arm64, macOS); use the trainer sidecar (--engine command) elsewhere.",
        cause: error,
      },
    );
  }
  return join(dir, "bins", `${process.platform}-${process.arch}`);
}

/** `lib<stem>.so` (or `.dylib`, versioned or not) in `dir`. Throws TrainingError(engine_mismatch). */
export function findLibrary(dir: string, stem: string): string {
  const name = readdirSync(dir).find((file) => libraryPattern(stem).test(file));
  if (name === undefined) {
    throw new TrainingError("engine_mismatch", `no lib${stem} in ${dir}`, {
      hint: `Reinstall node-llama-cpp ${EXPECTED_NODE_LLAMA_CPP} (npm ci).`,
    });
  }
  return join(dir, name);
}

/** `lib<stem>.so` / `.dylib`, with node-llama-cpp's version suffix or without. */
function libraryPattern(stem: string): RegExp {
  return new RegExp(`^lib${stem}(\\.v[\\d.]+)?\\.(so|dylib)$`);
}

/** An epoch's result: mean next-token loss (nats) over `batches` windows. */
export interface OptResult {
  loss: number;
  batches: number;
}

/** The opened library: the calls the trainer makes, typed. Pointers are opaque. */
export type LlamaOptLibrary = ReturnType<typeof openLlamaOptLibrary>;

/**
 * Loads libllama (its RUNPATH finds libggml), checks the struct layouts and
 * defaults, loads the CPU backends from the binary folder (plain
 * `ggml_backend_load_all` would look beside the node executable) and starts the
 * backend. Logs below warnings are dropped. Throws TrainingError(engine_mismatch).
 */
export function openLlamaOptLibrary(binDir = llamaBinaryDir()) {
  for (const [type, name, size] of EXPECTED_SIZES) {
    if (koffi.sizeof(type) !== size) {
      throw new TrainingError(
        "engine_mismatch",
        `${name} is ${koffi.sizeof(type)} bytes here, expected ${size}`,
        {
          hint: `The built-in trainer needs node-llama-cpp ${EXPECTED_NODE_LLAMA_CPP} on a 64-bit platform.`,
        },
      );
    }
  }
  const base = koffi.load(findLibrary(binDir, "ggml-base"));
  const ggml = koffi.load(findLibrary(binDir, "ggml"));
  const llama = koffi.load(findLibrary(binDir, "llama"));
  const fn = {
    loadAllFromPath: ggml.func("void ggml_backend_load_all_from_path(const char *dir)"),
    regCount: ggml.func("size_t ggml_backend_reg_count()"),
    regGet: ggml.func("void *ggml_backend_reg_get(size_t i)"),
    regName: base.func("const char *ggml_backend_reg_name(void *reg)"),
    getData: base.func("void *ggml_get_data(void *tensor)"),
    datasetInit: base.func(
      "void *ggml_opt_dataset_init(int type_data, int type_label, int64_t ne_datapoint, int64_t ne_label, int64_t ndata, int64_t ndata_shard)",
    ),
    datasetFree: base.func("void ggml_opt_dataset_free(void *ds)"),
    datasetData: base.func("void *ggml_opt_dataset_data(void *ds)"),
    datasetLabels: base.func("void *ggml_opt_dataset_labels(void *ds)"),
    resultInit: base.func("void *ggml_opt_result_init()"),
    resultFree: base.func("void ggml_opt_result_free(void *r)"),
    resultLoss: base.func("void ggml_opt_result_loss(void *r, _Out_ double *loss, _Out_ double *unc)"),
    resultNdata: base.func("void ggml_opt_result_ndata(void *r, _Out_ int64_t *ndata)"),
    defaultOptimizerParams: base.func(
      "alq_ggml_opt_optimizer_params ggml_opt_get_default_optimizer_params(void *ud)",
    ),
    backendInit: llama.func("void llama_backend_init()"),
    logSet: llama.func("void llama_log_set(void *cb, void *ud)"),
    modelDefaultParams: llama.func("alq_llama_model_params llama_model_default_params()"),
    contextDefaultParams: llama.func("alq_llama_context_params llama_context_default_params()"),
    modelLoad: llama.func(
      "void *llama_model_load_from_file(const char *path, alq_llama_model_params params)",
    ),
    modelFree: llama.func("void llama_model_free(void *model)"),
    modelNParams: llama.func("uint64_t llama_model_n_params(void *model)"),
    initFromModel: llama.func("void *llama_init_from_model(void *model, alq_llama_context_params params)"),
    free: llama.func("void llama_free(void *ctx)"),
    nCtx: llama.func("uint32_t llama_n_ctx(void *ctx)"),
    getVocab: llama.func("void *llama_model_get_vocab(void *model)"),
    vocabBos: llama.func("int32_t llama_vocab_bos(void *vocab)"),
    vocabEos: llama.func("int32_t llama_vocab_eos(void *vocab)"),
    batchInit: llama.func(
      "alq_llama_batch llama_batch_init(int32_t n_tokens, int32_t embd, int32_t n_seq_max)",
    ),
    batchFree: llama.func("void llama_batch_free(alq_llama_batch batch)"),
    decode: llama.func("int32_t llama_decode(void *ctx, alq_llama_batch batch)"),
    getMemory: llama.func("void *llama_get_memory(void *ctx)"),
    memoryClear: llama.func("void llama_memory_clear(void *mem, bool data)"),
    optInit: llama.func("void llama_opt_init(void *ctx, void *model, alq_llama_opt_params p)"),
    optEpoch: llama.func(
      "void llama_opt_epoch(void *ctx, void *dataset, void *result_train, void *result_eval, int64_t idata_split, void *cb_train, void *cb_eval)",
    ),
    saveToFile: llama.func("void llama_model_save_to_file(void *model, const char *path)"),
    ggmlInit: base.func("void *ggml_init(alq_ggml_init_params params)"),
    ggmlFree: base.func("void ggml_free(void *ctx)"),
    newTensor2d: base.func("void *ggml_new_tensor_2d(void *ctx, int type, int64_t ne0, int64_t ne1)"),
    opName: base.func("const char *ggml_op_name(int op)"),
  };
  const paramFilterAll = llama.symbol("llama_opt_param_filter_all", "void");
  const constantOptimizerParams = base.symbol("ggml_opt_get_constant_optimizer_params", "void");

  checkDefaults(fn.contextDefaultParams(), fn.defaultOptimizerParams(null));
  checkTensorLayout(fn);

  // Keep warnings and errors (ggml_log_level 3 and 4), drop info, debug and continuation lines.
  const log = koffi.register((level: number, text: string) => {
    if (level === 3 || level === 4) process.stderr.write(`[llama.cpp] ${text}`);
  }, koffi.pointer(LogCallback));
  fn.logSet(log, null);
  fn.loadAllFromPath(binDir);
  fn.backendInit();

  const backends = (): string[] => {
    const names: string[] = [];
    for (let i = 0; i < Number(fn.regCount()); i++) names.push(fn.regName(fn.regGet(i)));
    return names;
  };

  /** Loads the weights into writable CPU buffers (no mmap, no repacking), as llama.cpp's finetune does. */
  const loadModel = (path: string): unknown => {
    const params = fn.modelDefaultParams();
    params.load_mode = 0;
    params.n_gpu_layers = 0;
    params.use_extra_bufts = false;
    const model = fn.modelLoad(path, params);
    if (!model) throw new TrainingError("engine_failed", `llama.cpp could not load ${path} for training`);
    return model;
  };

  /** F32 KV cache (OUT_PROD has no F16 backward) and no flash attention (no backward pass). */
  const newContext = (model: unknown, nCtx: number, threads: number, cbEval: unknown = null): unknown => {
    const params = fn.contextDefaultParams();
    params.cb_eval = cbEval;
    params.n_ctx = nCtx;
    params.n_batch = nCtx;
    params.n_ubatch = nCtx;
    params.n_threads = threads;
    params.n_threads_batch = threads;
    params.flash_attn_type = 0;
    params.type_k = GGML_TYPE_F32;
    params.type_v = GGML_TYPE_F32;
    params.no_perf = true;
    const ctx = fn.initFromModel(model, params);
    if (!ctx) throw new TrainingError("engine_failed", "llama.cpp could not create a training context");
    return ctx;
  };

  /**
   * One decode of two tokens. Besides warming up, it is what sets the CPU
   * backend's thread count: the training path never does, and without it
   * training runs on 4 threads whatever was asked (measured, FACTS.md).
   */
  const warmUp = (ctx: unknown, model: unknown): void => {
    const vocab = fn.getVocab(model);
    const tokens = [fn.vocabBos(vocab), fn.vocabEos(vocab)];
    const batch = fn.batchInit(tokens.length, 0, 1);
    try {
      batch.n_tokens = tokens.length;
      koffi.encode(batch.token, "int32", tokens, tokens.length);
      koffi.encode(batch.pos, "int32", [0, 1], 2);
      koffi.encode(batch.n_seq_id, "int32", [1, 1], 2);
      for (let i = 0; i < tokens.length; i++)
        koffi.encode(koffi.decode(batch.seq_id, i * 8, "void *"), "int32", 0);
      koffi.encode(batch.logits, "int8", [0, 1], 2);
      const rc = fn.decode(ctx, batch);
      if (rc !== 0) throw new TrainingError("engine_failed", `llama_decode failed (${rc}) while warming up`);
    } finally {
      fn.batchFree(batch);
      fn.memoryClear(fn.getMemory(ctx), true);
    }
  };

  /**
   * Optimizer state for every F32 tensor (`llama_opt_param_filter_all`),
   * AdamW with a constant learning rate read from native memory, which
   * `setLearningRate` rewrites between epochs.
   */
  const initOptimizer = (ctx: unknown, model: unknown, learningRate: number) => {
    const memory = koffi.alloc(OptimizerParams, 1);
    const write = (lr: number) => {
      const params = fn.defaultOptimizerParams(null);
      params.adamw.alpha = lr;
      params.sgd.alpha = lr;
      koffi.encode(memory, OptimizerParams, params);
    };
    write(learningRate);
    fn.optInit(ctx, model, {
      n_ctx_train: 0,
      param_filter: paramFilterAll,
      param_filter_ud: null,
      get_opt_pars: constantOptimizerParams,
      get_opt_pars_ud: memory,
      optimizer_type: 0,
    });
    return { setLearningRate: write };
  };

  /**
   * Copies `windows` (each `nCtx + 1` tokens: inputs, and the labels shifted by
   * one) into a new ggml-opt dataset. The caller frees it with `datasetFree`.
   */
  const newDataset = (windows: Int32Array, nCtx: number): unknown => {
    const count = windows.length / (nCtx + 1);
    const ds = fn.datasetInit(GGML_TYPE_I32, GGML_TYPE_I32, nCtx, nCtx, count, 1);
    const data = new Int32Array(koffi.view(fn.getData(fn.datasetData(ds)), count * nCtx * 4));
    const labels = new Int32Array(koffi.view(fn.getData(fn.datasetLabels(ds)), count * nCtx * 4));
    for (let i = 0; i < count; i++) {
      const start = i * (nCtx + 1);
      data.set(windows.subarray(start, start + nCtx), i * nCtx);
      labels.set(windows.subarray(start + 1, start + nCtx + 1), i * nCtx);
    }
    return ds;
  };

  const readResult = (result: unknown): OptResult => {
    const loss = [0];
    const uncertainty = [0];
    const batches = [0n];
    fn.resultLoss(result, loss, uncertainty); // needs a non-null uncertainty pointer
    fn.resultNdata(result, batches);
    return { loss: loss[0] ?? Number.NaN, batches: Number(batches[0]) };
  };

  /**
   * Trains on the first `trainWindows` windows of `dataset`, then evaluates the
   * rest. `onWindow` is called (synchronously, from inside the native call)
   * after each training window with how many are done.
   */
  const epoch = (
    ctx: unknown,
    dataset: unknown,
    trainWindows: number,
    onWindow?: (done: number, total: number) => void,
  ): { train: OptResult; evaluate: OptResult } => {
    const train = fn.resultInit();
    const evaluate = fn.resultInit();
    const callback = onWindow
      ? koffi.register(
          (
            isTrain: boolean,
            _o: unknown,
            _d: unknown,
            _r: unknown,
            done: bigint | number,
            total: bigint | number,
          ) => {
            if (isTrain) onWindow(Number(done), Number(total));
          },
          koffi.pointer(EpochCallback),
        )
      : null;
    try {
      fn.optEpoch(ctx, dataset, train, evaluate, trainWindows, callback, null);
      return { train: readResult(train), evaluate: readResult(evaluate) };
    } finally {
      if (callback) koffi.unregister(callback);
      fn.resultFree(train);
      fn.resultFree(evaluate);
    }
  };

  return {
    /** The folder the libraries were loaded from. */
    binDir,
    backends,
    loadModel,
    newContext,
    warmUp,
    initOptimizer,
    newDataset,
    epoch,
    nCtx: (ctx: unknown): number => fn.nCtx(ctx),
    parameterCount: (model: unknown): number => Number(fn.modelNParams(model)),
    freeDataset: (ds: unknown): void => fn.datasetFree(ds),
    save: (model: unknown, path: string): void => fn.saveToFile(model, path),
    free: (ctx: unknown, model: unknown): void => {
      fn.free(ctx);
      fn.modelFree(model);
    },
  };
}
