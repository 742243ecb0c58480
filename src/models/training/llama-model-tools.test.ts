import { describe, expect, it } from "vitest";
import { TrainingError } from "../../spec/students.js";
import { checkQuantizeParams } from "./llama-model-tools.js";

/**
 * The layout self-check that guards `llama_model_quantize` (run for real in
 * the quantizing child process, `train-with-command.test.ts`): this build's
 * defaults pass, and a moved field is refused before any quantizing.
 */
const defaults = {
  ftype: 7,
  output_tensor_type: 43,
  token_embedding_type: 43,
  allow_requantize: false,
  quantize_output_tensor: true,
  dry_run: false,
  max_buf_size: 8n * 2n ** 30n,
};

describe("checkQuantizeParams", () => {
  it("passes node-llama-cpp 3.22.1's defaults and refuses a layout that moved", () => {
    expect(() => checkQuantizeParams(defaults)).not.toThrow();
    const moved = (() => {
      try {
        // ftype read where nthread is: what a field inserted before it would do.
        checkQuantizeParams({ ...defaults, ftype: 0 });
      } catch (error) {
        return error;
      }
    })();
    expect(TrainingError.isInstance(moved) && moved.reason).toBe("engine_mismatch");
    expect((moved as Error).message).toBe("llama_model_quantize_params.ftype is 0 here, expected 7");
  });
});
