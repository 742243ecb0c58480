import { describe, expect, it } from "vitest";
import { chunkHtml } from "./chunk-html.js";
import { collect } from "./knowledge-test.fixture.js";

async function* pieces(html: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < html.length; i += size) yield html.slice(i, i + size);
}

const page = `<!doctype html><html><head><title>Envíos &amp; zonas</title>
<style>p { color: red }</style><script>var secret = "do not index";</script></head>
<body><nav><a href="/">Inicio</a> · <a href="/menu">Menú</a></nav>
<p>Repartimos
    en bici.</p>
<h1>Envíos</h1>
<h2>Zonas</h2>
<table><tr><th>Zona</th><th>Precio</th></tr><tr><td>Ruzafa</td><td>2,00&nbsp;€</td></tr></table>
<ul><li>Martes a sábado</li><li>De 9 a 13</li></ul>
<h2>Horno</h2><pre>  temperatura: 250
  tiempo: 40 min</pre>
<footer><p>Calle de Sueca 27<br>Valencia</p></footer>
</body></html>`;

describe("chunkHtml", () => {
  it("keeps headings as paths, tables as rows, lists as items; drops scripts, styles and menus", async () => {
    // Fed in 7-character pieces: the parser is incremental, so pieces may cut tags and entities.
    // &nbsp; becomes a plain space (whitespace is collapsed outside <pre>).
    const chunks = await collect(chunkHtml(pieces(page, 7)));
    expect(chunks.map((c) => [c.location, c.title, c.text])).toEqual([
      ["start", "Envíos & zonas", "Repartimos en bici."],
      [
        "Envíos > Zonas",
        "Envíos > Zonas",
        "Zona | Precio\nRuzafa | 2,00 €\n\n- Martes a sábado\n\n- De 9 a 13",
      ],
      [
        "Envíos > Horno",
        "Envíos > Horno",
        "  temperatura: 250\n  tiempo: 40 min\n\nCalle de Sueca 27\nValencia",
      ],
    ]);
    const all = chunks.map((c) => c.text).join(" ");
    expect(all).not.toContain("secret");
    expect(all).not.toContain("color");
    expect(all).not.toContain("Inicio");
  });

  it("keeps an outer table's rows when a table is nested in it, and a heading opened inside another", async () => {
    const html =
      "<table><tr><td>Zona</td><td><table><tr><td>interior</td></tr></table></td></tr><tr><td>Ruzafa</td><td>2 €</td></tr></table>" +
      "<h2>Horario<h3>Verano</h3></h2><p>De 9 a 14.</p>";
    const chunks = await collect(chunkHtml(pieces(html, 11)));
    expect(chunks.map((c) => [c.title, c.text])).toEqual([
      [null, "Zona |\ninterior\nRuzafa | 2 €"],
      ["Horario > Verano", "De 9 a 14."],
    ]);
  });

  it("reads 2 MB of elements nested 300,000 deep in linear time, its text all there", async () => {
    const unit = "<div><ul><li><table><tr><td>palabra ";
    const html = unit.repeat(Math.ceil((2 * 2 ** 20) / unit.length));
    const started = performance.now();
    const chunks = await collect(chunkHtml(pieces(html, 65536)));
    // htmlparser2's parser took minutes on this; the old table handling was quadratic too.
    expect(performance.now() - started).toBeLessThan(10_000);
    const words = chunks.reduce((sum, c) => sum + (c.text.match(/palabra/g)?.length ?? 0), 0);
    expect(words).toBeGreaterThanOrEqual(html.length / unit.length);
  });

  it("gives nothing for a page without text", async () => {
    expect(await collect(chunkHtml(pieces("<html><script>x()</script></html>", 100)))).toEqual([]);
  });
});
