import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { HtmlTagReader } from "./html-tag-reader.js";

/** Events as `open:x`, `close:x`, `"text"`, from our reader fed in `size`-character pieces. */
function events(html: string, size = 5, maxDepth?: number): string[] {
  const out: string[] = [];
  const reader = new HtmlTagReader(
    {
      open: (name) => out.push(`open:${name}`),
      close: (name) => out.push(`close:${name}`),
      text: (data) => out.push(JSON.stringify(data)),
    },
    maxDepth,
  );
  for (let i = 0; i < html.length; i += size) reader.write(html.slice(i, i + size));
  reader.end();
  return merge(out);
}

/** The same events from htmlparser2's own parser. */
function reference(html: string): string[] {
  const out: string[] = [];
  const parser = new Parser(
    {
      onopentag: (name) => out.push(`open:${name}`),
      onclosetag: (name) => out.push(`close:${name}`),
      ontext: (data) => out.push(JSON.stringify(data)),
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return merge(out);
}

/** Adjacent text events joined (pieces may cut a text anywhere). */
function merge(list: string[]): string[] {
  const out: string[] = [];
  for (const item of list) {
    const last = out.at(-1);
    if (item.startsWith('"') && last?.startsWith('"')) {
      out[out.length - 1] = JSON.stringify(JSON.parse(last) + JSON.parse(item));
    } else out.push(item);
  }
  return out;
}

describe("HtmlTagReader", () => {
  it("reports what htmlparser2's parser reports on ordinary pages", () => {
    for (const html of [
      "<!doctype html><html><head><title>Envíos &amp; zonas</title></head><body><p>Uno<p>Dos</body></html>",
      "<ul><li>a<li>b</ul><table><tr><td>1<td>2<tr><td>3</table>",
      "<h1>Título<h2>Sub</h2><div>x<br>y</br></div></p><img src=a.png><hr>",
      "<script>if (a < b) { x = '</div>' }</script><style>p{}</style><dl><dt>t<dd>d</dl>",
      "<DIV CLASS=x>Mayúsculas</Div><p>sin cerrar <b>negrita <i>cursiva</b> fin",
    ]) {
      expect(events(html)).toEqual(reference(html));
    }
  });

  it("flattens elements past its depth: each is still opened and closed", () => {
    expect(events("<div><div><div><b>x</b><i>y</div></div></div>", 3, 2)).toEqual([
      "open:div",
      "open:div",
      "open:div",
      "open:b",
      '"x"',
      "close:b",
      "open:i",
      '"y"',
      "close:i",
      "close:div",
      "close:div",
      "close:div",
    ]);
  });

  it("reads deep nesting and stray end tags in time linear in the input", () => {
    const n = 200_000;
    for (const html of [
      `${"<div>".repeat(n)}x${"</div>".repeat(n)}`,
      `${"<b>".repeat(n)}${"</i>".repeat(n)}`,
      "<table><tr><td>celda ".repeat(n / 2),
    ]) {
      const started = performance.now();
      let opened = 0;
      const reader = new HtmlTagReader({ open: () => opened++, close: () => {}, text: () => {} });
      for (let i = 0; i < html.length; i += 65536) reader.write(html.slice(i, i + 65536));
      reader.end();
      expect(opened).toBeGreaterThanOrEqual(n);
      // htmlparser2's parser takes minutes on these.
      expect(performance.now() - started).toBeLessThan(5000);
    }
  });
});
