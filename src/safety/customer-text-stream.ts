import { sanitizeCustomerText } from "./sanitize-customer-text.js";
import { hiddenContent, MAX_MARKUP } from "./strip-html.js";

/** What `push` and `end` return, concatenated, is the reply made safe (see `createCustomerTextStream`). */
export interface CustomerTextStream {
  push(delta: string): string;
  end(): string;
}

type State = "text" | "lt" | "markup" | "comment" | "hidden";

/**
 * `sanitizeCustomerText` for a reply that arrives in pieces (a model's
 * stream): `push` takes each piece and returns what may be shown now, `end`
 * returns the rest. The concatenation of what they return is safe as a whole.
 *
 * Text is held back until a point where nothing can straddle the cut: after
 * whitespace, outside any tag, comment or `<script>`, with every `[` closed,
 * and not right after a `]`, `(`, `:`, `<`, `!`, `&` or `\` (a link, a
 * reference definition, an entity or an escape may go on there). Each part
 * between two such points is sanitised on its own, so a `<script>` split over
 * two pieces, or a `[text](javascript:…)` whose destination comes later, is
 * still caught. The cost: a reply with a `[` never closed is held to its end.
 * Linear: each character is looked at once here and once when sanitised.
 */
export function createCustomerTextStream(): CustomerTextStream {
  let pending = "";
  let state: State = "text";
  /** The start of the markup being read (enough to know `<!--` and a tag's name), and its length. */
  let markup = "";
  let markupLength = 0;
  let quote = "";
  let previous = "";
  /** The hidden element being skipped (`script`), and the last characters read inside it or a comment. */
  let hidden = "";
  let tail = "";
  let depth = 0;
  let last = "";

  function step(char: string): boolean {
    switch (state) {
      case "lt":
        if (/[A-Za-z/!?]/.test(char)) {
          state = "markup";
          markup = `<${char}`;
          markupLength = 2;
          quote = previous = "";
          return false;
        }
        state = "text";
        return step(char);
      case "markup":
        markupLength++;
        if (markup.length < 16) markup += char;
        if (markup === "<!--") {
          state = "comment";
          tail = "";
        } else if (quote !== "") {
          if (char === quote) quote = "";
        } else if ((char === '"' || char === "'") && previous === "=") quote = char;
        else if (char === ">") endMarkup();
        else if (markupLength > MAX_MARKUP) state = "text";
        if (!/\s/.test(char)) previous = char;
        return false;
      case "comment":
        tail = (tail + char).slice(-3);
        if (tail === "-->") state = "text";
        return false;
      case "hidden":
        tail = (tail + char).slice(-(hidden.length + 2)).toLowerCase();
        if (tail === `</${hidden}`) {
          state = "markup";
          markup = tail;
          markupLength = tail.length;
        }
        return false;
      case "text":
        if (char === "<") {
          state = "lt";
          return false;
        }
        if (char === "[") depth++;
        else if (char === "]") depth = Math.max(0, depth - 1);
        if (!/\s/.test(char)) {
          last = char;
          return false;
        }
        return depth === 0 && !"](:<!&\\".includes(last);
    }
  }

  function endMarkup(): void {
    const name = /^<([A-Za-z][^\s/>]*)/.exec(markup)?.[1]?.toLowerCase();
    last = ">";
    state = "text";
    if (name !== undefined && hiddenContent.has(name)) {
      state = "hidden";
      hidden = name;
      tail = "";
    }
  }

  return {
    push(delta) {
      const start = pending.length;
      pending += delta;
      let cut = 0;
      for (let i = 0; i < delta.length; i++) if (step(delta[i]!)) cut = start + i + 1;
      if (cut === 0) return "";
      const ready = pending.slice(0, cut);
      pending = pending.slice(cut);
      return sanitizeCustomerText(ready);
    },
    end() {
      const rest = pending;
      pending = "";
      return rest === "" ? "" : sanitizeCustomerText(rest);
    },
  };
}
