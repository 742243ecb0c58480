/**
 * The headings above the current position, outermost first, as a title such
 * as `Horarios > Verano`: a heading replaces the one of its level and drops
 * the deeper ones.
 */
export class HeadingPath {
  #stack: { level: number; text: string }[] = [];

  /** Enters a heading (`level` 1..6) and returns the new path, or null when it is empty. */
  enter(level: number, text: string): string | null {
    while (this.#stack.length > 0 && (this.#stack.at(-1)?.level ?? 0) >= level) this.#stack.pop();
    const clean = text.replace(/\s+/g, " ").trim();
    if (clean !== "") this.#stack.push({ level, text: clean });
    return this.current();
  }

  current(): string | null {
    return this.#stack.length === 0 ? null : this.#stack.map((h) => h.text).join(" > ");
  }
}
