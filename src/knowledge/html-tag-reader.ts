import { Tokenizer } from "htmlparser2";

/** What `HtmlTagReader` reports: tag names are lower-case; text has its entities decoded. */
export interface HtmlTagHandler {
  open(name: string): void;
  close(name: string): void;
  text(data: string): void;
}

const voidElements = new Set([
  "area",
  "base",
  "basefont",
  "br",
  "col",
  "command",
  "embed",
  "frame",
  "hr",
  "image",
  "img",
  "input",
  "keygen",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]);

const closesP = new Set(["p"]);
const headings = new Set(["h1", "h2", "h3", "h4", "h5", "h6", "p"]);
/** Opening the key closes an open element on top of the stack named in the value (as htmlparser2 does). */
const openImpliesClose = new Map<string, Set<string>>([
  ["tr", new Set(["tr", "th", "td"])],
  ["th", new Set(["th"])],
  ["td", new Set(["thead", "th", "td"])],
  ["li", new Set(["li"])],
  ["p", closesP],
  ["h1", headings],
  ["h2", headings],
  ["h3", headings],
  ["h4", headings],
  ["h5", headings],
  ["h6", headings],
  ["option", new Set(["option"])],
  ["dd", new Set(["dd", "dt"])],
  ["dt", new Set(["dd", "dt"])],
  ...[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hr",
    "main",
    "nav",
    "ol",
    "pre",
    "section",
    "table",
    "ul",
  ].map((name): [string, Set<string>] => [name, closesP]),
]);

/** Open elements tracked; deeper ones are flattened (reported, not nested), as browsers cap nesting too. */
export const maxHtmlDepth = 256;

/**
 * A streaming HTML reader in time linear in the input, whatever its nesting:
 * htmlparser2's tokenizer, with an element stack of our own (htmlparser2's
 * `Parser` keeps its stack with `unshift` and searches it for every end tag,
 * so 100,000 nested elements take minutes). Elements are opened and closed as
 * htmlparser2's parser does in HTML mode (void elements, implied ends of
 * `p`, `li`, table cells, headings; a stray `</p>` is an empty paragraph;
 * what is still open at the end is closed), except that past `maxDepth`
 * open elements the deeper ones are not nested: each is reported opened and,
 * at its end tag (or the end of an enclosing one, or of the input), closed.
 */
export class HtmlTagReader {
  readonly #handler: HtmlTagHandler;
  readonly #tokenizer: Tokenizer;
  readonly #maxDepth: number;
  readonly #stack: string[] = [];
  /** How many of each name are on the stack: an end tag with no open element is dropped in O(1). */
  readonly #open = new Map<string, number>();
  /** Elements past `maxDepth`, by name, in the order opened. */
  #flat: string[] = [];
  #buffers: string[] = [];
  #bufferOffset = 0;
  #tagName = "";

  constructor(handler: HtmlTagHandler, maxDepth = maxHtmlDepth) {
    this.#handler = handler;
    this.#maxDepth = maxDepth;
    const noop = () => {};
    this.#tokenizer = new Tokenizer(
      { decodeEntities: true, xmlMode: false },
      {
        ontext: (start, end) => handler.text(this.#slice(start, end)),
        ontextentity: (codepoint) => handler.text(String.fromCodePoint(codepoint)),
        onopentagname: (start, end) => {
          this.#tagName = this.#slice(start, end).toLowerCase();
          this.#openTag(this.#tagName);
        },
        onopentagend: noop,
        onselfclosingtag: noop,
        onclosetag: (start, end) => this.#closeTag(this.#slice(start, end).toLowerCase()),
        onattribdata: noop,
        onattribentity: noop,
        onattribend: noop,
        onattribname: noop,
        oncdata: noop,
        oncomment: noop,
        ondeclaration: noop,
        onprocessinginstruction: noop,
        onend: () => {
          this.#closeFlat(this.#flat.length);
          while (this.#stack.length > 0) this.#pop();
        },
        isInForeignContext: () => false,
      },
    );
  }

  write(piece: string): void {
    this.#buffers.push(piece);
    this.#tokenizer.write(piece);
  }

  end(): void {
    this.#tokenizer.end();
    this.#buffers = [];
  }

  #openTag(name: string): void {
    const implied = openImpliesClose.get(name);
    if (implied) {
      if (this.#flat.length > 0) {
        if (implied.has(this.#flat.at(-1)!)) this.#closeFlat(1);
      } else {
        while (this.#stack.length > 0 && implied.has(this.#stack.at(-1)!)) this.#pop();
      }
    }
    this.#handler.open(name);
    if (voidElements.has(name)) {
      this.#handler.close(name);
      return;
    }
    if (this.#stack.length < this.#maxDepth) {
      this.#stack.push(name);
      this.#open.set(name, (this.#open.get(name) ?? 0) + 1);
    } else this.#flat.push(name);
  }

  #closeTag(name: string): void {
    if (voidElements.has(name)) {
      // `</br>` is a line break in browsers; other void end tags mean nothing.
      if (name === "br") {
        this.#handler.open("br");
        this.#handler.close("br");
      }
      return;
    }
    // Among flattened elements an end tag closes one of the last 64 opened (a bounded search).
    for (let at = this.#flat.length - 1; at >= 0 && at >= this.#flat.length - 64; at--) {
      if (this.#flat[at] === name) {
        this.#closeFlat(this.#flat.length - at);
        return;
      }
    }
    if ((this.#open.get(name) ?? 0) > 0) {
      this.#closeFlat(this.#flat.length);
      while (this.#stack.length > 0) {
        if (this.#pop() === name) return;
      }
      return;
    }
    if (name === "p") {
      this.#handler.open("p");
      this.#handler.close("p");
    }
  }

  /** Closes the last `count` flattened elements, innermost first. */
  #closeFlat(count: number): void {
    for (let i = 0; i < count; i++) {
      const name = this.#flat.pop();
      if (name === undefined) return;
      this.#handler.close(name);
    }
  }

  #pop(): string | undefined {
    const name = this.#stack.pop();
    if (name === undefined) return undefined;
    this.#open.set(name, (this.#open.get(name) ?? 1) - 1);
    this.#handler.close(name);
    return name;
  }

  /** Input text between absolute offsets; pieces entirely before `start` are let go. */
  #slice(start: number, end: number): string {
    while (this.#buffers.length > 0 && start - this.#bufferOffset >= this.#buffers[0]!.length) {
      this.#bufferOffset += this.#buffers.shift()!.length;
    }
    let out = "";
    let offset = this.#bufferOffset;
    for (const buffer of this.#buffers) {
      if (offset >= end) break;
      out += buffer.slice(Math.max(0, start - offset), end - offset);
      offset += buffer.length;
    }
    return out;
  }
}
