/*
 * The AI SDK (`ai`), imported on first use rather than with the modules that call it: it costs ~0.2 s of CPU to
 * import (with @ai-sdk/gateway and @opentelemetry/api), and `serve` needs none of it until a turn calls a model or
 * an embedding model; a retrieval-mode agent never does. Its types are free (`import type`); its values come from
 * here. The first call pays the import once; later calls get the same module without resolving it again.
 */
/** The `ai` module's exports, as a type (free: nothing is imported for it). */
export type AiSdk = typeof import("ai");

let aiSdk: Promise<AiSdk> | undefined;

/** The `ai` module, imported once. Rejects only if the package is missing (a broken install). */
export function loadAiSdk(): Promise<AiSdk> {
  aiSdk ??= import("ai");
  return aiSdk;
}
