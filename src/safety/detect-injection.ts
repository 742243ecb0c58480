/**
 * Text that talks to the assistant rather than to a customer — "ignore all
 * previous instructions", "a partir de ahora eres…", chat-template role tags
 * (`<|im_start|>`, `[INST]`), a line that starts with `assistant:` — in
 * Spanish and English. A business document has no reason to say these things:
 * a chunk that does is flagged at ingestion (`suspectChunkKey`), never used as
 * an answer in retrieval mode, and marked as untrusted in a model's prompt. A
 * customer's message that does is flagged in the audit trail (not refused).
 *
 * Precise rather than exhaustive: the patterns need the order *and* its
 * object ("ignora … instrucciones", not "ignora"), so that the demo's
 * documents and ordinary FAQs are never flagged (tested). Each pattern has
 * bounded gaps and no nested repetition: linear in the length of the text.
 */
const rules: { name: string; pattern: RegExp }[] = [
  {
    name: "override",
    pattern:
      /\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.!?\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|any|your|the|these|those|system)\b[^.!?\n]{0,40}?\b(?:instructions?|rules|prompts?|directions|guidelines|guardrails|constraints)\b/i,
  },
  {
    name: "override",
    pattern:
      /\b(?:ignora|ignore|ignorad|olvida|olvide|olvidad|descarta|descarte|omite|omita|s[aá]ltate)\b[^.!?\n]{0,40}?\b(?:instrucciones|reglas|indicaciones|[oó]rdenes|directrices|restricciones|prompts?)\b/i,
  },
  {
    name: "override",
    pattern: /\bhaz caso omiso\b[^.!?\n]{0,40}?\b(?:instrucciones|reglas|indicaciones)\b/i,
  },
  {
    name: "persona",
    pattern:
      /\byou are now\b|\bfrom now on,? you (?:are|will|must|should)\b|\bpretend (?:to be|you are)\b|\bact as if you\b/i,
  },
  {
    name: "persona",
    pattern:
      /\b(?:a partir de ahora|desde ahora|de ahora en adelante),? (?:eres|ser[aá]s|act[uú]as|actuar[aá]s|debes|responde|responder[aá]s)\b|\bahora eres\b|\bfinge (?:ser|que eres)\b/i,
  },
  {
    name: "system",
    pattern:
      /\b(?:system|developer) (?:prompt|message|instructions?)\b|\b(?:prompt|mensaje|instrucciones) (?:del|de) sistema\b|\bnew instructions?\s*:|\bnuevas instrucciones\s*:/i,
  },
  {
    name: "role_tag",
    pattern:
      /<\|(?:im_start|im_end|system|user|assistant|start_header_id|end_header_id|eot_id|endoftext|begin_of_text)\|>|\[\/?INST\]|<<\/?SYS>>|<\/?(?:start|end)_of_turn>/i,
  },
  {
    name: "role_line",
    pattern: /^[ \t>#*]*(?:system|assistant|developer|sistema|asistente)[ \t]*:/im,
  },
];

/** The name of the first rule `text` matches (`override`, `persona`, `system`, `role_tag`, `role_line`), or undefined. */
export function detectInjection(text: string): string | undefined {
  return rules.find((rule) => rule.pattern.test(text))?.name;
}

/** Where a chunk's flag is kept, in its `metadata`; its value says why (`instructions`). */
export const suspectChunkKey = "suspect";

/** The flag's value for a chunk that gives the assistant orders. */
export const suspectInstructions = "instructions";

/** Whether a chunk is flagged, or (for one stored before flags existed) reads as orders now. */
export function isSuspectChunk(chunk: {
  text: string;
  title: string | null;
  metadata: Record<string, unknown>;
}): boolean {
  if (chunk.metadata[suspectChunkKey] === suspectInstructions) return true;
  return detectInjection(chunk.title === null ? chunk.text : `${chunk.title}\n${chunk.text}`) !== undefined;
}
