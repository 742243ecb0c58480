import { describe, expect, it } from "vitest";
import type { JsonValue } from "../spec/json.js";
import { deepFreeze } from "../store/deep-freeze.js";
import { AgentSpecCache } from "./agent-spec-cache.js";
import { demoAgentFile } from "./demo-agent.fixture.js";
import { loadAgentFile } from "./load-agent-file.js";

const stored = loadAgentFile(demoAgentFile).spec as unknown as Record<string, JsonValue>;
/** As the store returns a record: a fresh object on every read. */
const read = (id: string, spec: Record<string, JsonValue> = stored) => ({
  id,
  spec: JSON.parse(JSON.stringify(spec)) as Record<string, JsonValue>,
});

describe("AgentSpecCache", () => {
  it("parses a stored spec once, and hands out the same frozen spec while it is unchanged", () => {
    const cache = new AgentSpecCache();
    const first = cache.parse(read("a"));
    expect(first.name).toBe("la-espiga");
    expect(first.handoff.afterFailures).toBe(2);
    expect(cache.parse(read("a"))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.tools[0])).toBe(true);
    expect(() => {
      (first.languages as string[]).push("fr");
    }).toThrow(TypeError);
  });

  it("parses again when the stored spec changed, and refuses one that no longer validates", () => {
    const cache = new AgentSpecCache();
    const before = cache.parse(read("a"));
    const after = cache.parse(read("a", { ...stored, persona: "Otra persona." }));
    expect(after).not.toBe(before);
    expect(after.persona).toBe("Otra persona.");
    expect(() => cache.parse(read("a", { ...stored, languages: [] }))).toThrow(/languages/);
    // Another agent with an equal spec is parsed for itself.
    expect(cache.parse(read("b"))).not.toBe(before);
  });

  it("keeps at most `capacity` agents, dropping the least recently used", () => {
    const cache = new AgentSpecCache(2);
    const a = cache.parse(read("a"));
    cache.parse(read("b"));
    expect(cache.parse(read("a"))).toBe(a);
    cache.parse(read("c"));
    expect(cache.size).toBe(2);
    expect(cache.parse(read("a"))).toBe(a);
    cache.delete("a");
    expect(cache.parse(read("a"))).not.toBe(a);
  });

  it("recognises a frozen stored spec by identity, and a changed one by its text", () => {
    const cache = new AgentSpecCache();
    const shared = deepFreeze(read("a").spec);
    const first = cache.parse({ id: "a", spec: shared });
    expect(cache.parse({ id: "a", spec: shared })).toBe(first);
    // A fresh object with the same text is the same spec; one with other text is parsed anew.
    expect(cache.parse(read("a"))).toBe(first);
    const changed = deepFreeze(read("a", { ...stored, persona: "Otra persona." }).spec);
    expect(cache.parse({ id: "a", spec: changed }).persona).toBe("Otra persona.");
    // A frozen spec that does not validate is refused every time, never remembered.
    const broken = deepFreeze(read("a", { ...stored, languages: [] }).spec);
    expect(() => cache.parse({ id: "a", spec: broken })).toThrow(/languages/);
    expect(() => cache.parse({ id: "a", spec: broken })).toThrow(/languages/);
  });
});
