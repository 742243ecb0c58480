import { generateText, jsonSchema, Output, streamText } from "ai";
import { ModelRegistry } from "../../models/model-registry.js";
import type { CliContext } from "../cli-context.js";
import type { RunOptions } from "../commands/run.js";
import { readJsonSchema } from "./read-json-schema.js";

/**
 * `alambique run`: plain text streams to stdout as it is generated; with a
 * JSON schema, the object is printed once, as one line of JSON, after the
 * AI SDK has validated it against the schema.
 */
export async function runOnce(context: CliContext, options: RunOptions): Promise<void> {
  const schema = options.jsonSchema === undefined ? undefined : readJsonSchema(options.jsonSchema);
  const registry = new ModelRegistry({
    store: await context.store(),
    declared: context.config.models,
    env: context.env,
    modelsDir: `${context.config.dataPath}/models`,
    llamacpp: {
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      sequences: 1,
      logger: context.logger,
    },
  });
  context.onClose(() => registry.dispose());
  const model = await registry.languageModel(options.model);
  const common = {
    model,
    ...(options.system !== undefined ? { system: options.system } : {}),
    prompt: options.prompt,
    maxOutputTokens: options.maxTokens,
    maxRetries: 0,
    // A seed only matters when sampling: with --seed and no --temperature, sample at llama.cpp's usual 0.8.
    ...(options.temperature !== undefined
      ? { temperature: options.temperature }
      : options.seed !== undefined
        ? { temperature: 0.8 }
        : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  };
  if (schema) {
    const result = await generateText({ ...common, output: Output.object({ schema: jsonSchema(schema) }) });
    context.io.out(JSON.stringify(result.output));
    context.logger.debug({ usage: result.usage, finishReason: result.finishReason }, "generated");
    return;
  }
  // fullStream, not textStream: a failure mid-stream arrives as an `error` part and must fail the command.
  const result = streamText({ ...common, onError: () => {} });
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") context.io.write(part.text);
    else if (part.type === "error") throw part.error;
  }
  context.io.write("\n");
  context.logger.debug({ usage: await result.usage, finishReason: await result.finishReason }, "generated");
}
