/**
 * A `LanguageModelV3` that counts the tokens each call reports into `counts`
 * and bounds each call with its own timeout, so that the engine knows what
 * every task cost (whatever the step does) and a call that hangs is abandoned
 * and retried instead of stalling a worker for good.
 *
 * A call that outlives `timeoutMs` is aborted (through its abort signal) and
 * rejects with `AlambiqueError` `model_timeout` (504, retryable). A stream's
 * time counts until its last part.
 */
import type { LanguageModelV3StreamPart, LanguageModelV3Usage } from "@ai-sdk/provider";
import { AlambiqueError } from "../../spec/errors.js";
import type { LanguageModelV3 } from "../../spec/models.js";
import type { TokenCounts } from "../../spec/store.js";

export function meteredModel(
  model: LanguageModelV3,
  counts: TokenCounts,
  options: { timeoutMs: number; name: string },
): LanguageModelV3 {
  const timed = (outer: AbortSignal | undefined) => {
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException(`no answer within ${options.timeoutMs} ms`, "TimeoutError")),
      options.timeoutMs,
    );
    // A stream its reader abandoned never flushes: the timer must not keep the process alive.
    timer.unref();
    const signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
    const timedOut = (error: unknown): unknown =>
      timeout.signal.aborted && !outer?.aborted
        ? new AlambiqueError(`the model ${options.name} gave no answer within ${options.timeoutMs} ms`, {
            code: "model_timeout",
            status: 504,
            retryable: true,
            hint: "a slow or overloaded engine: raise the call timeout, lower the concurrency, or add capacity",
            cause: error,
          })
        : error;
    return { signal, timedOut, done: () => clearTimeout(timer) };
  };
  const add = (usage: LanguageModelV3Usage | undefined) => {
    counts.inputTokens += usage?.inputTokens.total ?? 0;
    counts.outputTokens += usage?.outputTokens.total ?? 0;
  };
  return {
    specificationVersion: "v3",
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return model.supportedUrls;
    },
    async doGenerate(callOptions) {
      const call = timed(callOptions.abortSignal);
      try {
        const result = await model.doGenerate({ ...callOptions, abortSignal: call.signal });
        add(result.usage);
        return result;
      } catch (error) {
        throw call.timedOut(error);
      } finally {
        call.done();
      }
    },
    async doStream(callOptions) {
      const call = timed(callOptions.abortSignal);
      let result: Awaited<ReturnType<LanguageModelV3["doStream"]>>;
      try {
        result = await model.doStream({ ...callOptions, abortSignal: call.signal });
      } catch (error) {
        call.done();
        throw call.timedOut(error);
      }
      const counted = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
        transform(part, controller) {
          if (part.type === "finish") add(part.usage);
          if (part.type === "error") controller.enqueue({ type: "error", error: call.timedOut(part.error) });
          else controller.enqueue(part);
        },
        flush: () => call.done(),
      });
      return { ...result, stream: result.stream.pipeThrough(counted) };
    },
  };
}
