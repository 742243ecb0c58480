import { AlambiqueError } from "../../spec/errors.js";

/**
 * The prompt alone fills the context. Raised before any token is evaluated:
 * node-llama-cpp would otherwise drop the oldest messages to make room
 * (a "context shift"), which silently changes what the model was asked.
 */
export function contextLengthExceeded(
  promptTokens: number,
  contextSize: number,
  trainContextSize: number,
): AlambiqueError {
  return new AlambiqueError(
    `the prompt is ${promptTokens} tokens, but the model's context holds ${contextSize} tokens per request ` +
      "(prompt and reply together)",
    {
      code: "context_length_exceeded",
      status: 400,
      retryable: false,
      hint:
        "Shorten the prompt (fewer or shorter messages, less retrieved text)" +
        (contextSize < trainContextSize
          ? `, or raise contextSize (this model was trained on ${trainContextSize} tokens).`
          : "; this model cannot read more."),
    },
  );
}
