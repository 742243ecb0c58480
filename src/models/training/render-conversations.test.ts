import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrainingMessage } from "../../spec/distill.js";
import { forgeModel } from "../forge/forge-model.js";
import { disposeLlamaRuntimes, getLlamaRuntime } from "../llamacpp/llama-runtime.js";
import { bakeryConversations } from "./bakery-conversations.fixture.js";
import { packWindows } from "./pack-windows.js";
import { renderConversations } from "./render-conversations.js";

/** The assistant's tokens, found by rendering prefixes with the base's own (Llama 3) template, on real text. */
let base: string;
beforeAll(async () => {
  base = (
    await forgeModel({ out: join(mkdtempSync(join(tmpdir(), "alq-render-")), "tiny.gguf"), preset: "tiny" })
  ).path;
});
afterAll(() => disposeLlamaRuntimes());

async function detokenizer() {
  const { llama } = await getLlamaRuntime({ gpu: false });
  const model = await llama.loadModel({ modelPath: base, vocabOnly: true });
  return {
    text: (tokens: Iterable<number>) =>
      model.detokenize(Array.from(tokens) as unknown as Parameters<typeof model.detokenize>[0], true),
    dispose: () => model.dispose(),
  };
}

describe("rendering conversations for training", () => {
  it("marks exactly the assistant's answer and its end of turn, not the system prompt or the question", async () => {
    const [faq] = bakeryConversations();
    const [rendered] = await renderConversations(base, [faq!.messages]);
    const d = await detokenizer();
    try {
      const marked = Array.from(rendered!.tokens).filter((_, i) => rendered!.assistant[i]);
      expect(d.text(marked)).toBe(`${faq!.messages[2]!.content}<|eot_id|>`);
      expect(rendered!.unstable).toBe(false);
      const unmarked = d.text(Array.from(rendered!.tokens).filter((_, i) => !rendered!.assistant[i]));
      expect(unmarked).toContain(faq!.messages[1]!.content);
      expect(unmarked).toContain("Lucía");
    } finally {
      await d.dispose();
    }
  });

  it("in a conversation with a tool, marks the call and the answers but not the tool's result or the customer", async () => {
    const messages: TrainingMessage[] = [
      { role: "system", content: "Eres Lucía, de la Panadería La Espiga." },
      { role: "user", content: "¿Abrís el domingo?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "c1", type: "function", function: { name: "business_hours", arguments: '{"day":"sunday"}' } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "domingo: 8:00-14:00" },
      { role: "assistant", content: "Sí, el domingo abrimos de 8 a 14." },
      { role: "user", content: "¿Y el lunes?" },
      { role: "assistant", content: "El lunes cerramos por descanso." },
    ];
    const [rendered] = await renderConversations(base, [messages]);
    const d = await detokenizer();
    try {
      expect(rendered!.unstable).toBe(false);
      const marked = d.text(Array.from(rendered!.tokens).filter((_, i) => rendered!.assistant[i]));
      expect(marked).toContain("business_hours");
      expect(marked).toContain("Sí, el domingo abrimos de 8 a 14.");
      expect(marked).toContain("El lunes cerramos por descanso.<|eot_id|>");
      expect(marked).not.toContain("domingo: 8:00-14:00");
      expect(marked).not.toContain("¿Y el lunes?");
    } finally {
      await d.dispose();
    }
  });

  it("packs the masks with the windows: a label counts when the token it predicts is the assistant's", () => {
    const tokens = Int32Array.from({ length: 600 }, (_, i) => i);
    const mask = Uint8Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const packed = packWindows([tokens], 256, 128, [mask]);
    expect(packed.count).toBe(3);
    // Window 1 starts at token 128; its label at position p is token 129 + p.
    for (const p of [0, 1, 2, 100]) expect(packed.labelMask![256 + p]).toBe((129 + p) % 3 === 0 ? 1 : 0);
    expect(packed.countedLabels).toBe(Array.from(packed.labelMask!).filter(Boolean).length);
  });
});
