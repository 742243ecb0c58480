import type { JsonValue } from "../../spec/json.js";
import { deepFreeze } from "../deep-freeze.js";
import { fromJsonText } from "./column-values.js";

/** Agents whose parsed spec is kept, at most. */
const DEFAULT_AGENTS = 1000;
/** Spec text kept in all, at most (UTF-16 code units, about bytes for JSON); a spec over a sixteenth of it is not kept. */
const DEFAULT_CHARS = 32 * 2 ** 20;

/**
 * Every turn reads its agent, and parsing the spec's JSON again was most of
 * that read (bench/agent-turns.ts): the parsed spec is kept per agent and
 * handed out again while the stored text is the very same (compared whole, so
 * an update from any process or connection is seen on the next read). The
 * objects are deep-frozen, since every reader shares them; the runtime's
 * `AgentSpecCache` recognises a spec it has validated by its identity.
 *
 * Bounded by agents and by text (a tenant may save specs of megabytes): past
 * either, the least recently read are dropped, and parsed again when next read.
 */
export class SpecTexts {
  readonly #kept = new Map<string, { text: string; spec: Record<string, JsonValue> }>();
  #chars = 0;

  constructor(
    readonly maxAgents = DEFAULT_AGENTS,
    readonly maxChars = DEFAULT_CHARS,
  ) {}

  /** The parsed, frozen spec of `text`: the one handed out before while the agent's text is unchanged. */
  parse(agentId: string, text: string): Record<string, JsonValue> {
    const kept = this.#kept.get(agentId);
    if (kept) {
      this.#kept.delete(agentId);
      this.#chars -= kept.text.length;
    }
    const entry =
      kept?.text === text ? kept : { text, spec: deepFreeze(fromJsonText<Record<string, JsonValue>>(text)) };
    if (text.length > this.maxChars / 16) return entry.spec;
    this.#kept.set(agentId, entry);
    this.#chars += text.length;
    for (const [id, oldest] of this.#kept) {
      if (this.#kept.size <= this.maxAgents && this.#chars <= this.maxChars) break;
      this.#kept.delete(id);
      this.#chars -= oldest.text.length;
    }
    return entry.spec;
  }

  /** Agents kept, and their spec text in all. */
  get size(): { agents: number; chars: number } {
    return { agents: this.#kept.size, chars: this.#chars };
  }
}
