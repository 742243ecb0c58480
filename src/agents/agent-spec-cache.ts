import { type AgentSpec, agentSpecSchema } from "../spec/agent.js";
import type { AgentRecord } from "../spec/store.js";
import { deepFreeze } from "../store/deep-freeze.js";

/** Agents whose parsed spec is kept; past it, the least recently used is dropped (and parsed again when next served). */
const DEFAULT_CAPACITY = 1000;

/**
 * Parsed agent specs, so that a turn does not validate its agent's whole spec
 * again: `agentSpecSchema.parse` costs about 0.45 ms (IANA time zones are
 * checked by building an `Intl.DateTimeFormat`), a turn's largest single
 * cost after retrieval (bench/agent-turns.ts).
 *
 * A cached spec is used only for the very same stored spec: its JSON text is
 * compared with the record's, so an agent updated anywhere (this process, the
 * CLI, another server on the same store) is parsed afresh on its next turn,
 * and a spec that no longer validates throws as before.
 *
 * The specs handed out are shared between turns, so they are deep-frozen: code
 * that would change one for its own turn fails loudly instead of changing it
 * for every later turn.
 */
export class AgentSpecCache {
  private readonly entries = new Map<string, { text: string; spec: AgentSpec }>();
  /**
   * Specs validated from a frozen stored spec, by that object: a store that hands
   * out the same frozen object while the stored text is unchanged (the SQLite
   * store) is recognised without serialising it again.
   */
  private readonly bySource = new WeakMap<object, AgentSpec>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The record's spec, parsed (throws zod's error for an invalid one, as `agentSpecSchema.parse` does). */
  parse(record: Pick<AgentRecord, "id" | "spec">): AgentSpec {
    const source = record.spec;
    const shared = typeof source === "object" && source !== null && Object.isFrozen(source);
    const known = shared ? this.bySource.get(source) : undefined;
    if (known) return known;
    const spec = this.parseText(record);
    if (shared) this.bySource.set(source, spec);
    return spec;
  }

  private parseText(record: Pick<AgentRecord, "id" | "spec">): AgentSpec {
    const text = JSON.stringify(record.spec);
    const cached = this.entries.get(record.id);
    if (cached) {
      this.entries.delete(record.id);
      if (cached.text === text) {
        this.entries.set(record.id, cached);
        return cached.spec;
      }
    }
    const spec = deepFreeze(agentSpecSchema.parse(record.spec));
    this.entries.set(record.id, { text, spec });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return spec;
  }

  /** Forgets an agent (removed or replaced). */
  delete(agentId: string): void {
    this.entries.delete(agentId);
  }

  get size(): number {
    return this.entries.size;
  }
}
