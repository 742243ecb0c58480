import { randomUUID } from "node:crypto";
import type { LanguageModelV3Content, LanguageModelV3StreamPart } from "@ai-sdk/provider";

/**
 * Generation is written once, as a sequence of V3 stream parts. `doStream`
 * forwards them; `doGenerate` folds them into content with `ContentCollector`.
 * One code path means the two can never disagree.
 */

export type Emit = (part: LanguageModelV3StreamPart) => void;

/** Opens and closes text and reasoning blocks around deltas, and writes tool calls. */
export class PartWriter {
  readonly #emit: Emit;
  #text: string | undefined;
  #reasoning: string | undefined;
  toolCalls = 0;

  constructor(emit: Emit) {
    this.#emit = emit;
  }

  text(delta: string): void {
    if (delta === "") return;
    this.#closeReasoning();
    if (this.#text === undefined) {
      this.#text = randomUUID();
      this.#emit({ type: "text-start", id: this.#text });
    }
    this.#emit({ type: "text-delta", id: this.#text, delta });
  }

  reasoning(delta: string): void {
    if (delta === "") return;
    this.#closeText();
    if (this.#reasoning === undefined) {
      this.#reasoning = randomUUID();
      this.#emit({ type: "reasoning-start", id: this.#reasoning });
    }
    this.#emit({ type: "reasoning-delta", id: this.#reasoning, delta });
  }

  /** Starts streaming a tool call's arguments; returns the tool call id. */
  toolInputStart(toolName: string): string {
    this.closeBlocks();
    const id = randomUUID();
    this.#emit({ type: "tool-input-start", id, toolName });
    return id;
  }

  toolInputDelta(id: string, delta: string): void {
    if (delta !== "") this.#emit({ type: "tool-input-delta", id, delta });
  }

  toolInputEnd(id: string): void {
    this.#emit({ type: "tool-input-end", id });
  }

  /** The finished call. `input` is the arguments as JSON text. */
  toolCall(id: string, toolName: string, input: string): void {
    this.toolCalls++;
    this.#emit({ type: "tool-call", toolCallId: id, toolName, input });
  }

  /** A whole tool call at once (start, one delta, end, call). */
  completeToolCall(toolName: string, input: string): void {
    const id = this.toolInputStart(toolName);
    this.toolInputDelta(id, input);
    this.toolInputEnd(id);
    this.toolCall(id, toolName, input);
  }

  closeBlocks(): void {
    this.#closeText();
    this.#closeReasoning();
  }

  #closeText(): void {
    if (this.#text === undefined) return;
    this.#emit({ type: "text-end", id: this.#text });
    this.#text = undefined;
  }

  #closeReasoning(): void {
    if (this.#reasoning === undefined) return;
    this.#emit({ type: "reasoning-end", id: this.#reasoning });
    this.#reasoning = undefined;
  }
}

/** Folds stream parts into `doGenerate` content, in order. */
export class ContentCollector {
  readonly content: LanguageModelV3Content[] = [];
  readonly #open = new Map<string, { type: "text" | "reasoning"; text: string }>();

  add = (part: LanguageModelV3StreamPart): void => {
    switch (part.type) {
      case "text-start":
      case "reasoning-start": {
        const block = {
          type: part.type === "text-start" ? ("text" as const) : ("reasoning" as const),
          text: "",
        };
        this.#open.set(part.id, block);
        this.content.push(block);
        break;
      }
      case "text-delta":
      case "reasoning-delta": {
        const block = this.#open.get(part.id);
        if (block) block.text += part.delta;
        break;
      }
      case "tool-call":
        this.content.push(part);
        break;
      default:
        break;
    }
  };
}
