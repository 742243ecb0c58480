import type { Llama, LlamaGrammar } from "node-llama-cpp";
import { TERMINATOR } from "./grammar/structured-grammar.js";
import type { SequenceLease } from "./model-pool.js";

const GRAMMAR_CACHE_SIZE = 64;

/**
 * Grammars are parsed once per runtime and distinct text: an agent sends the
 * same tools and schemas on every call, often through new model instances.
 */
const grammars = new WeakMap<Llama, Map<string, Promise<LlamaGrammar>>>();

export function parsedGrammar(lease: SequenceLease, text: string): Promise<LlamaGrammar> {
  const llama = lease.loaded.model.llama;
  const cache = grammars.get(llama) ?? new Map<string, Promise<LlamaGrammar>>();
  grammars.set(llama, cache);
  let grammar = cache.get(text);
  if (grammar === undefined) {
    if (cache.size >= GRAMMAR_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    grammar = llama.createGrammar({
      grammar: text,
      stopGenerationTriggers: [TERMINATOR],
      trimWhitespaceSuffix: true,
    });
    grammar.catch(() => cache.delete(text));
    cache.set(text, grammar);
  }
  return grammar;
}
