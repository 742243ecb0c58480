import { detectInjection, suspectChunkKey, suspectInstructions } from "../safety/detect-injection.js";
import type { ChunkDraft } from "./chunk-draft.js";

/**
 * Chunks as they are extracted, each that gives the assistant orders
 * (`detectInjection` on its title and text) flagged in its metadata
 * (`metadata.suspect = "instructions"`): stored with the chunk, so that the
 * runtime never answers from it and marks it as untrusted in a prompt, and an
 * operator can find it. The text itself is kept as it is.
 */
export async function* flagSuspectChunks(drafts: AsyncIterable<ChunkDraft>): AsyncGenerator<ChunkDraft> {
  for await (const draft of drafts) yield flagSuspectChunk(draft);
}

/** `draft`, flagged when it reads as orders to the assistant. */
export function flagSuspectChunk(draft: ChunkDraft): ChunkDraft {
  const text = draft.title === null ? draft.text : `${draft.title}\n${draft.text}`;
  if (detectInjection(text) === undefined) return draft;
  return { ...draft, metadata: { ...draft.metadata, [suspectChunkKey]: suspectInstructions } };
}
