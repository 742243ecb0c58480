/**
 * Assistant-only loss through the context's `cb_eval` hook (the route the
 * spike found, FACTS.md "Training with llama.cpp"): `llama_opt_epoch` builds
 * one-hot labels from token ids itself and has no ignore index (a label of -1
 * writes outside its row), and a label row of zeros still pulls that position
 * towards uniform. So the hook zeroes the rows of `CROSS_ENTROPY_LOSS_BACK`'s
 * output (d loss / d logits) for the positions whose label is not the
 * assistant's, before the backward pass goes on: those positions then teach
 * nothing.
 *
 * It also measures the loss on the counted labels only: in training from the
 * same gradient rows (the label's probability is `g × rows + 1` when the loss
 * gradient is 1), in evaluation from the logits (a log-softmax per counted
 * row).
 *
 * It relies on internals, so it checks them as it goes: one window per graph
 * (ubatch = context), windows in dataset order (no shuffling in
 * `llama_opt_epoch`), the CPU backend (tensor data readable in place). Each
 * window's one-hot labels are compared with the labels the hook expects; on a
 * mismatch it stops masking and records why (`lost`), which the worker turns
 * into a failed run rather than a silently unmasked one.
 *
 * Load only in the training child process.
 */
import koffi from "koffi";

/** `ggml_tensor` layout (64-bit, checked at start by `checkTensorLayout`) and ops of the bundled ggml. */
export const TENSOR = { ne: 16, nb: 48, op: 80, src: 152, data: 248 } as const;
export const GGML_OP_CROSS_ENTROPY_LOSS = 96;
export const GGML_OP_CROSS_ENTROPY_LOSS_BACK = 97;

export const EvalCallback = koffi.proto("bool alq_ggml_sched_eval_callback(void *t, bool ask, void *ud)");

export interface MaskedPass {
  /** `windows × (nCtx + 1)` token ids: labels of window w, position p are `tokens[w(nCtx+1) + p + 1]`. */
  tokens: Int32Array;
  /** `windows × nCtx`, 1 = counted. */
  mask: Uint8Array;
  /** Training (gradient rows seen, zeroed when `zero`) or evaluation (logits seen). */
  train: boolean;
  zero: boolean;
}

export class LossMaskHook {
  readonly pointer: unknown;
  private pass: MaskedPass | undefined;
  private window = 0;
  private lossSum = 0;
  private counted = 0;
  /** Why the hook stopped trusting what it sees; undefined while all is well. */
  lost: string | undefined;

  constructor(private readonly nCtx: number) {
    this.pointer = koffi.register(
      (t: unknown, ask: boolean) => this.onNode(t, ask),
      koffi.pointer(EvalCallback),
    );
  }

  /** Starts a pass over a dataset's windows, in order. */
  begin(pass: MaskedPass | undefined): void {
    this.pass = pass;
    this.window = 0;
    this.lossSum = 0;
    this.counted = 0;
  }

  /** Mean loss (nats) over the counted labels of the pass; NaN when none were counted. */
  end(): { loss: number; counted: number; windows: number } {
    const result = { loss: this.lossSum / this.counted, counted: this.counted, windows: this.window };
    this.pass = undefined;
    return result;
  }

  private onNode(t: unknown, ask: boolean): boolean {
    const pass = this.pass;
    if (pass === undefined || this.lost !== undefined) return false;
    const op = koffi.decode(t, TENSOR.op, "int32") as number;
    if (ask) {
      if (op === GGML_OP_CROSS_ENTROPY_LOSS) {
        this.checkLabels(t, pass);
        this.window++;
        return !pass.train;
      }
      return pass.train && op === GGML_OP_CROSS_ENTROPY_LOSS_BACK;
    }
    const w = this.window - 1;
    if (op === GGML_OP_CROSS_ENTROPY_LOSS && !pass.train) this.lossFromLogits(t, pass, w);
    if (op === GGML_OP_CROSS_ENTROPY_LOSS_BACK && pass.train) this.maskGradient(t, pass, w);
    return true;
  }

  private label(pass: MaskedPass, w: number, p: number): number {
    return pass.tokens[w * (this.nCtx + 1) + p + 1]!;
  }

  /** The one-hot labels (src[1]) of this window must be the ones expected at a few positions. */
  private checkLabels(t: unknown, pass: MaskedPass): void {
    const w = this.window;
    if ((w + 1) * this.nCtx > pass.mask.length) {
      this.lost = `more windows than the dataset has (${w + 1})`;
      return;
    }
    const labels = koffi.decode(t, TENSOR.src + 8, "void *");
    const { rows, stride } = this.rows(labels);
    for (const p of [0, this.nCtx >> 1, this.nCtx - 1]) {
      if (rows[p * stride + this.label(pass, w, p)] !== 1) {
        this.lost = `window ${w}'s labels are not the expected ones at position ${p}`;
        return;
      }
    }
  }

  private rows(tensor: unknown): { rows: Float32Array; stride: number; width: number } {
    const width = Number(koffi.decode(tensor, TENSOR.ne, "int64"));
    const stride = Number(koffi.decode(tensor, TENSOR.nb + 8, "uint64")) / 4;
    const data = koffi.decode(tensor, TENSOR.data, "void *");
    return { rows: new Float32Array(koffi.view(data, stride * 4 * this.nCtx)), stride, width };
  }

  /** Evaluation: log-softmax of the logits (src[0]) at each counted position. */
  private lossFromLogits(t: unknown, pass: MaskedPass, w: number): void {
    const { rows, stride, width } = this.rows(koffi.decode(t, TENSOR.src, "void *"));
    for (let p = 0; p < this.nCtx; p++) {
      if (!pass.mask[w * this.nCtx + p]) continue;
      const start = p * stride;
      let max = Number.NEGATIVE_INFINITY;
      for (let v = 0; v < width; v++) max = Math.max(max, rows[start + v]!);
      let sum = 0;
      for (let v = 0; v < width; v++) sum += Math.exp(rows[start + v]! - max);
      this.lossSum += Math.log(sum) + max - rows[start + this.label(pass, w, p)]!;
      this.counted++;
    }
  }

  /**
   * Training: each gradient row is (softmax − one-hot) / rows. Counted rows
   * give the label's probability; the others are zeroed when masking.
   */
  private maskGradient(t: unknown, pass: MaskedPass, w: number): void {
    const { rows, stride, width } = this.rows(t);
    for (let p = 0; p < this.nCtx; p++) {
      const start = p * stride;
      if (pass.mask[w * this.nCtx + p]) {
        const probability = rows[start + this.label(pass, w, p)]! * this.nCtx + 1;
        this.lossSum -= Math.log(Math.max(probability, 1e-30));
        this.counted++;
      } else if (pass.zero) {
        rows.fill(0, start, start + width);
      }
    }
  }
}
