import type { LlamaContextSequence, Token } from "node-llama-cpp";

/** How sure a model was of what it wrote: the probabilities of the tokens it chose. */
export interface TokenConfidence {
  /** Mean probability of the chosen tokens, 0..1. */
  mean: number;
  /** The least probable chosen token's probability. */
  min: number;
  /** Tokens measured. */
  tokens: number;
}

/**
 * Records, while a generation runs on `sequence`, the probability of every
 * token sampled (node-llama-cpp's `confidence`: after temperature, top-k/p,
 * the grammar and biases, as the token was drawn). LlamaChat generates through
 * `sequence.evaluate`; for the lease of one call, that method is replaced on
 * this sequence object by one that asks `evaluateWithMetadata` for the same
 * tokens with their confidence, and yields them as `evaluate` would. The
 * native side computes the value with the sampling it does anyway: the cost
 * is one float per token. `stop()` puts the sequence's own method back.
 */
export function recordTokenConfidence(sequence: LlamaContextSequence): {
  stop(): TokenConfidence | undefined;
} {
  const confidences: number[] = [];
  const own = Object.getOwnPropertyDescriptor(sequence, "evaluate");
  const instrumented: LlamaContextSequence["evaluate"] = async function* (tokens, options) {
    const iterator = sequence.evaluateWithMetadata(tokens, { confidence: true }, options);
    let input: Token | undefined;
    try {
      while (true) {
        const { value, done } = await iterator.next(input);
        if (done) return;
        confidences.push(value.confidence);
        input = (yield value.token) as Token | undefined;
      }
    } finally {
      await iterator.return(undefined);
    }
  };
  Object.defineProperty(sequence, "evaluate", { value: instrumented, configurable: true, writable: true });
  return {
    stop() {
      if (own) Object.defineProperty(sequence, "evaluate", own);
      else delete (sequence as { evaluate?: unknown }).evaluate;
      return summarise(confidences);
    },
  };
}

export function summarise(confidences: readonly number[]): TokenConfidence | undefined {
  if (confidences.length === 0) return undefined;
  let sum = 0;
  let min = 1;
  for (const c of confidences) {
    sum += c;
    if (c < min) min = c;
  }
  return { mean: sum / confidences.length, min, tokens: confidences.length };
}
