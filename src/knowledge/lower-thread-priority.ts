import { setPriority } from "node:os";

/** The nice value reading threads take: below the serving thread's (0), above nothing. */
export const readingNice = 10;

/**
 * Makes the calling thread yield the CPU to the process's other threads when
 * they compete: reading documents is background work, serving requests is
 * not. Only on Linux, where a nice value belongs to one thread (elsewhere
 * it would lower the whole server). Raising one's own nice value needs no
 * privilege; a failure changes nothing, so it is ignored.
 */
export function lowerThreadPriority(nice = readingNice): void {
  if (process.platform !== "linux") return;
  try {
    setPriority(nice);
  } catch {
    // The thread keeps its priority: slower serving under load, nothing worse.
  }
}
