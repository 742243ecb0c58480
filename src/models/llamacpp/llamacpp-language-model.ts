import { randomUUID } from "node:crypto";
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  SharedV3Warning,
} from "@ai-sdk/provider";
import type {
  ChatHistoryItem,
  ChatModelFunctions,
  LLamaChatGenerateResponseOptions,
  LlamaChat,
  LlamaChatResponse,
  LlamaGrammar,
  Token,
} from "node-llama-cpp";
import { ValidationError } from "../../spec/errors.js";
import { type CallSettings, toCallSettings } from "./call-settings.js";
import { chatForSequence } from "./chat-for-sequence.js";
import { contextLengthExceeded } from "./context-length-error.js";
import { convertPrompt } from "./convert-prompt.js";
import { finishReason } from "./finish-reason.js";
import { completeJsonPrefix } from "./grammar/complete-json-prefix.js";
import type { JsonSchemaDefinition } from "./grammar/json-schema.js";
import { matchesSchema } from "./grammar/schema-validator.js";
import {
  buildStructuredGrammar,
  parseStructuredOutput,
  type StructuredMode,
  ToolCallStreamSplitter,
} from "./grammar/structured-grammar.js";
import { toGbnfJsonSchema } from "./grammar/to-gbnf-json-schema.js";
import type { LoraAdapter, ModelPool, SequenceLease } from "./model-pool.js";
import { parsedGrammar } from "./parsed-grammar.js";
import {
  countPrompt,
  countPromptAfter,
  type PromptCount,
  promptTokenBound,
  toUsage,
} from "./prompt-count.js";
import { ContentCollector, type Emit, PartWriter } from "./stream-parts.js";
import { jsonInstructions, toolInstructions, withSystemText } from "./structured-instructions.js";
import { recordTokenConfidence } from "./token-confidence.js";

/**
 * A GGUF model run in-process by llama.cpp, as an AI SDK `LanguageModelV3`.
 * The model id is the GGUF file's path.
 *
 * How a call runs:
 * 1. The prompt becomes node-llama-cpp chat history and is rendered by the
 *    model's own chat template (the chat wrapper node-llama-cpp resolves from
 *    the GGUF's metadata).
 * 2. The call borrows a context sequence from the pool. Generation is
 *    stateless from the caller's view (the whole prompt is sent each time),
 *    but the sequence keeps its KV cache, and node-llama-cpp only evaluates
 *    the tokens after the longest prefix it shares with the new prompt: the
 *    next turn of a conversation pays only for its new messages. Usage reports
 *    those reused tokens as `cacheRead`.
 * 3. The mode decides how output is constrained:
 *    - `text`: free text (no tools, or toolChoice "none");
 *    - `native`: tools with toolChoice "auto": node-llama-cpp's function calling
 *      in the chat template's own syntax, so the model decides freely. Its
 *      arguments are checked against the tool's schema; one that does not match
 *      is generated again under our grammar for that tool;
 *    - `tool`: toolChoice "required" or a named tool: our grammar forces one
 *      call whose arguments match the schema;
 *    - `json`: responseFormat json: our grammar forces a matching JSON value;
 *    - `json-or-tool`: both at once (an agent step with tools and a structured
 *      final answer): a grammar allowing either.
 * 4. Output cut short (maxOutputTokens, a stop sequence): a JSON answer is
 *    closed the shortest valid way (`completeJsonPrefix`), keeping finish
 *    reason `length` and flagging `providerMetadata.llamacpp.completedJson`;
 *    a tool call is dropped, never run on invented arguments. Generation also
 *    stops at the end of the context instead of silently dropping old messages.
 */

export interface LlamaCppLanguageModelConfig {
  provider: string;
  pool: ModelPool;
  /** Adapters for calls that name none in `providerOptions.llamacpp.lora`. */
  lora?: LoraAdapter[];
}

type Mode = "text" | "native" | "tool" | "json" | "json-or-tool";

interface Prepared {
  mode: Mode;
  lease: SequenceLease;
  history: ChatHistoryItem[];
  settings: CallSettings;
  warnings: SharedV3Warning[];
  tools: LanguageModelV3FunctionTool[];
  structured: StructuredMode | undefined;
  grammar: LlamaGrammar | undefined;
  functions: ChatModelFunctions | undefined;
  /** Counted before generation; or, when `contextBefore` is set, after it (see countPromptAfter). */
  count?: PromptCount;
  contextBefore?: Token[];
  maxTokens: number;
}

interface Outcome {
  stopReason: string;
  reasoningTokens: number;
  /** The JSON answer was cut short (token limit, stop sequence) and closed by `completeJsonPrefix`. */
  completedJson?: boolean;
}

export class LlamaCppLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = "v3";
  readonly supportedUrls: Record<string, RegExp[]> = {};
  readonly modelId: string;
  readonly provider: string;
  readonly #pool: ModelPool;
  readonly #lora: LoraAdapter[];

  constructor(modelId: string, config: LlamaCppLanguageModelConfig) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.#pool = config.pool;
    this.#lora = config.lora ?? [];
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const prepared = await this.#prepare(options);
    const timestamp = new Date();
    const collector = new ContentCollector();
    let finish: Extract<LanguageModelV3StreamPart, { type: "finish" }> | undefined;
    await this.#generate(prepared, options.abortSignal, (part) => {
      if (part.type === "finish") finish = part;
      else collector.add(part);
    });
    return {
      content: collector.content,
      finishReason: finish!.finishReason,
      usage: finish!.usage,
      warnings: prepared.warnings,
      response: { id: randomUUID(), timestamp, modelId: this.modelId },
      providerMetadata: finish!.providerMetadata,
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    // Errors known before the first token (bad schema, prompt too long) reject here, like an HTTP 400.
    const prepared = await this.#prepare(options);
    const cancel = new AbortController();
    const signal = options.abortSignal
      ? AbortSignal.any([options.abortSignal, cancel.signal])
      : cancel.signal;
    // Generation starts first and the stream is built while llama.cpp evaluates the prompt: building a
    // web ReadableStream costs as much JavaScript as the rest of the call's setup (0.08 ms, measured).
    let controller: ReadableStreamDefaultController<LanguageModelV3StreamPart> | undefined;
    const early: LanguageModelV3StreamPart[] = [];
    let open = true;
    const emit: Emit = (part) => {
      if (!open) return;
      if (controller) controller.enqueue(part);
      else early.push(part);
    };
    emit({ type: "stream-start", warnings: prepared.warnings });
    emit({ type: "response-metadata", id: randomUUID(), timestamp: new Date(), modelId: this.modelId });
    const settled = this.#generate(prepared, signal, emit).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start: (started) => {
        controller = started;
        for (const part of early) started.enqueue(part);
        early.length = 0;
        void settled.then((failure) => {
          if (!open) return;
          open = false;
          if (failure) started.error(failure.error);
          else started.close();
        });
      },
      cancel: (reason) => {
        open = false;
        cancel.abort(reason);
      },
    });
    return { stream };
  }

  async #prepare(options: LanguageModelV3CallOptions): Promise<Prepared> {
    const settings = toCallSettings(options);
    const warnings = [...settings.warnings];
    const { history: converted, warnings: promptWarnings } = convertPrompt(options.prompt);
    warnings.push(...promptWarnings);

    const functionTools: LanguageModelV3FunctionTool[] = [];
    for (const tool of options.tools ?? []) {
      if (tool.type === "function") functionTools.push(tool);
      else warnings.push({ type: "unsupported", feature: `provider tool ${tool.name}` });
    }
    const choice = options.toolChoice ?? { type: "auto" };
    const json = options.responseFormat?.type === "json" ? options.responseFormat : undefined;
    let tools = choice.type === "none" ? [] : functionTools;
    if (choice.type === "tool") {
      tools = functionTools.filter((tool) => tool.name === choice.toolName);
      if (tools.length === 0) {
        throw new ValidationError(
          `toolChoice names the tool "${choice.toolName}", which is not among the tools given`,
          [{ path: ["toolChoice", "toolName"], message: "unknown tool" }],
          `Pass a tool named "${choice.toolName}" in tools, or choose one of: ${functionTools.map((t) => t.name).join(", ") || "(none)"}.`,
        );
      }
    }
    const mustCall = tools.length > 0 && (choice.type === "required" || choice.type === "tool");
    const mode: Mode =
      tools.length === 0 ? (json ? "json" : "text") : mustCall ? "tool" : json ? "json-or-tool" : "native";

    const grammarTools = tools.map((tool) => ({
      name: tool.name,
      inputSchema: tool.inputSchema as JsonSchemaDefinition,
    }));
    // Compile every tool's schema even in native mode: an unsupported keyword fails the same way in
    // every mode, and the fallback grammar for a bad native call is known to exist.
    if (mode === "native") buildStructuredGrammar({ kind: "tool", tools: grammarTools });
    const schema = json?.schema as JsonSchemaDefinition | undefined;
    const structured: StructuredMode | undefined =
      mode === "json"
        ? { kind: "json", schema }
        : mode === "tool"
          ? { kind: "tool", tools: grammarTools }
          : mode === "json-or-tool"
            ? { kind: "json-or-tool", schema, tools: grammarTools }
            : undefined;
    const grammarText = structured ? buildStructuredGrammar(structured) : undefined;

    let history = converted;
    if (mode === "tool") history = withSystemText(history, toolInstructions(tools, "call"));
    if (mode === "json" || mode === "json-or-tool")
      history = withSystemText(history, jsonInstructions(json ?? {}));
    if (mode === "json-or-tool") history = withSystemText(history, toolInstructions(tools, "call-or-json"));
    const functions =
      mode === "native"
        ? Object.fromEntries(
            tools.map((tool) => [
              tool.name,
              {
                description: tool.description,
                params: toGbnfJsonSchema(tool.inputSchema as JsonSchemaDefinition),
              },
            ]),
          )
        : undefined;

    const lease = await this.#pool.acquire(this.modelId, {
      lora: settings.lora ?? this.#lora,
      signal: options.abortSignal,
    });
    try {
      const { chatWrapper, model } = lease.loaded;
      const grammar = grammarText === undefined ? undefined : await parsedGrammar(lease, grammarText);
      const last = history.at(-1);
      const rendered = chatWrapper.generateContextState({
        chatHistory: last?.type === "model" ? history : [...history, { type: "model", response: [] }],
        ...(functions ? { availableFunctions: functions, documentFunctionParams: true } : {}),
      });
      const contextSize = lease.sequence.contextSize;
      const requested = settings.sampling.maxOutputTokens;
      const common = { mode, lease, history, settings, warnings, tools, structured, grammar, functions };
      // When a bound proves prompt and answer fit, count after generation instead (see countPromptAfter).
      if (
        mode !== "native" &&
        requested !== undefined &&
        promptTokenBound(rendered.contextText) + requested <= contextSize
      ) {
        return { ...common, contextBefore: lease.sequence.contextTokens, maxTokens: requested };
      }
      const count = countPrompt(rendered.contextText.tokenize(model.tokenizer), lease.sequence);
      if (count.promptTokens >= contextSize)
        throw contextLengthExceeded(count.promptTokens, contextSize, model.trainContextSize);
      // Stop at the end of the context rather than let node-llama-cpp shift it (drop old messages).
      const room = contextSize - count.promptTokens;
      return { ...common, count, maxTokens: Math.min(requested ?? room, room) };
    } catch (error) {
      lease.release();
      throw error;
    }
  }

  /** Runs the generation, emitting stream parts and, last, the `finish` part. Always releases the lease. */
  async #generate(prepared: Prepared, signal: AbortSignal | undefined, emit: Emit): Promise<void> {
    const { lease } = prepared;
    const chat = chatForSequence(lease);
    const before = lease.sequence.tokenMeter.getState();
    const writer = new PartWriter(emit);
    const confidence = prepared.settings.tokenConfidence ? recordTokenConfidence(lease.sequence) : undefined;
    try {
      const outcome =
        prepared.mode === "text" || prepared.mode === "native"
          ? await this.#generateFree(chat, prepared, signal, writer)
          : await this.#generateStructured(chat, prepared, signal, writer);
      const tokenConfidence = confidence?.stop();
      writer.closeBlocks();
      const outputTokens = lease.sequence.tokenMeter.diff(before).usedOutputTokens;
      const count = prepared.count ?? countPromptAfter(prepared.contextBefore!, lease.sequence, outputTokens);
      emit({
        type: "finish",
        finishReason: finishReason(outcome.stopReason, writer.toolCalls > 0),
        usage: toUsage(count, outputTokens, outcome.reasoningTokens),
        providerMetadata: {
          llamacpp: {
            chatWrapper: lease.loaded.chatWrapper.wrapperName,
            contextSize: lease.sequence.contextSize,
            ...(outcome.completedJson ? { completedJson: true } : {}),
            ...(tokenConfidence ? { tokenConfidence: { ...tokenConfidence } } : {}),
          },
        },
      });
    } finally {
      confidence?.stop();
      lease.release();
    }
  }

  #baseOptions(prepared: Prepared, signal: AbortSignal | undefined, maxTokens = prepared.maxTokens) {
    const { maxOutputTokens: _, ...sampling } = prepared.settings.sampling;
    return { ...sampling, maxTokens, signal };
  }

  async #generateFree(
    chat: LlamaChat,
    prepared: Prepared,
    signal: AbortSignal | undefined,
    writer: PartWriter,
  ): Promise<Outcome> {
    let reasoningTokens = 0;
    const options: LLamaChatGenerateResponseOptions<ChatModelFunctions> = {
      ...this.#baseOptions(prepared, signal),
      onResponseChunk: (chunk) => {
        if (chunk.type === "segment" && chunk.segmentType === "thought") {
          reasoningTokens += chunk.tokens.length;
          writer.reasoning(chunk.text);
        } else writer.text(chunk.text);
      },
      ...(prepared.functions ? { functions: prepared.functions, documentFunctionParams: true } : {}),
    };
    const result: LlamaChatResponse<ChatModelFunctions> = await chat.generateResponse(
      prepared.history,
      options,
    );
    for (const call of result.functionCalls ?? []) {
      const tool = prepared.tools.find((t) => t.name === call.functionName);
      if (!tool) continue;
      if (matchesSchema(tool.inputSchema as JsonSchemaDefinition, call.params) !== false) {
        writer.completeToolCall(tool.name, JSON.stringify(call.params ?? {}));
        continue;
      }
      // node-llama-cpp's grammar allowed arguments the schema does not (it is laxer than ours): redo under ours.
      const redo = await this.#forcedCall(chat, prepared, tool, signal);
      if (redo) writer.completeToolCall(redo.toolName, redo.input);
    }
    return { stopReason: result.metadata.stopReason, reasoningTokens };
  }

  async #forcedCall(
    chat: LlamaChat,
    prepared: Prepared,
    tool: LanguageModelV3FunctionTool,
    signal: AbortSignal | undefined,
  ) {
    const mode: StructuredMode = {
      kind: "tool",
      tools: [{ name: tool.name, inputSchema: tool.inputSchema as JsonSchemaDefinition }],
    };
    const grammar = await parsedGrammar(prepared.lease, buildStructuredGrammar(mode));
    const history = withSystemText(prepared.history, toolInstructions([tool], "call"));
    const result = await chat.generateResponse(history, { ...this.#baseOptions(prepared, signal), grammar });
    const parsed = parseStructuredOutput(result.response, mode);
    return parsed?.type === "tool-call" ? parsed : undefined;
  }

  async #generateStructured(
    chat: LlamaChat,
    prepared: Prepared,
    signal: AbortSignal | undefined,
    writer: PartWriter,
  ): Promise<Outcome> {
    const mode = prepared.structured!;
    // Until the first character, json-or-tool output could be either; "<" starts the tool-call marker.
    let kind: "json" | "tool" | undefined =
      mode.kind === "json" ? "json" : mode.kind === "tool" ? "tool" : undefined;
    let pending = "";
    const splitter = new ToolCallStreamSplitter();
    let callId: string | undefined;
    // JSON text goes out as it comes, except a trailing comma, held until more follows: if the answer is
    // cut short there, the completed document drops that comma and must still extend what was streamed.
    let json = "";
    let heldComma = false;
    const writeJson = (delta: string) => {
      let text = (heldComma ? "," : "") + delta;
      heldComma = text.endsWith(",");
      if (heldComma) text = text.slice(0, -1);
      json += text;
      writer.text(text);
    };
    const onText = (delta: string) => {
      if (kind === undefined) {
        pending += delta;
        const first = pending.trimStart()[0];
        if (first === undefined) return;
        kind = first === "<" ? "tool" : "json";
        delta = pending;
      }
      if (kind === "json") writeJson(delta);
      else {
        const { started, argsDelta } = splitter.push(delta);
        if (started !== undefined) callId = writer.toolInputStart(started);
        if (callId !== undefined) writer.toolInputDelta(callId, argsDelta);
      }
    };
    const result = await chat.generateResponse(prepared.history, {
      ...this.#baseOptions(prepared, signal),
      grammar: prepared.grammar!,
      onTextChunk: onText,
    });
    if (callId !== undefined) {
      const parsed = parseStructuredOutput(result.response, mode);
      // The streamed deltas lack only the closing brace; the final input is the re-serialised arguments.
      writer.toolInputEnd(callId);
      if (parsed?.type === "tool-call") writer.toolCall(callId, parsed.toolName, parsed.input);
    }
    // A cut-short call is dropped (never run a tool on invented arguments); a cut-short answer is closed.
    let completedJson = false;
    if (kind !== "tool" && mode.kind !== "tool" && parseStructuredOutput(json, mode) === undefined) {
      const completed = completeJsonPrefix(json, mode.schema ?? { type: "object" });
      if (completed?.startsWith(json)) {
        writer.text(completed.slice(json.length));
        completedJson = true;
      }
    }
    return { stopReason: result.metadata.stopReason, reasoningTokens: 0, completedJson };
  }
}
