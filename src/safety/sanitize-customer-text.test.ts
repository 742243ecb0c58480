import { describe, expect, it } from "vitest";
import { createCustomerTextStream } from "./customer-text-stream.js";
import { sanitizeCustomerText } from "./sanitize-customer-text.js";
import { sourceDisplayName } from "./source-display-name.js";

/** Whether a Markdown or HTML renderer could find a link or markup to run in `text`. */
function expectInert(text: string): void {
  expect(text).not.toMatch(/<\s*\/?\s*[a-z!?]/i);
  // A renderer needs `](` together: `] (` is text.
  expect(text).not.toMatch(/\]\(\s*<?\s*(?:javascript|vbscript|data|file)/i);
  expect(text).not.toMatch(/\]:\s*<?\s*(?:javascript|vbscript|data)/i);
  expect(text).not.toMatch(/&#/);
}

describe("sanitizeCustomerText", () => {
  it("removes tags and comments, keeps their text, drops what scripts and styles hold", () => {
    expect(sanitizeCustomerText("Pan <b>integral</b><br>de <i>espelta</i>")).toBe("Pan integral\nde espelta");
    expect(sanitizeCustomerText("<p>Hola</p><p>adiós</p>")).toBe("Hola\nadiós\n");
    expect(sanitizeCustomerText('a<script type="x">alert(1)</script >b<style>p{}</style>c')).toBe("abc");
    expect(sanitizeCustomerText("antes <!-- nota interna --> después")).toBe("antes  después");
    expect(sanitizeCustomerText('<a href="javascript:x" title=">">enlace</a>')).toBe("enlace");
    expect(sanitizeCustomerText("<img src=x onerror=alert(1)>fin")).toBe("fin");
    // A script never closed hides the rest, as in a browser; so does a comment.
    expect(sanitizeCustomerText("ok <script>alert(1)")).toBe("ok ");
    expect(sanitizeCustomerText("ok <!-- y luego")).toBe("ok ");
  });

  it("keeps text that only looks like markup, and makes a stray `<` before a letter inert", () => {
    expect(sanitizeCustomerText("2 < 3, 5 > 4 y <3")).toBe("2 < 3, 5 > 4 y <3");
    expect(sanitizeCustomerText("si a<b entonces")).toBe("si a‹b entonces");
    expect(sanitizeCustomerText("| Día | Horario |\n| --- | --- |\n| Lunes | 7:30 – 20:30 |")).toBe(
      "| Día | Horario |\n| --- | --- |\n| Lunes | 7:30 – 20:30 |",
    );
    expect(sanitizeCustomerText("**Precio:** 4,20 € [S1]")).toBe("**Precio:** 4,20 € [S1]");
  });

  it("turns a link with a scheme off the allow-list into its text, however it is spelled", () => {
    for (const destination of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "  javascript:alert(1)",
      "&#106;avascript:alert(1)",
      "&#x6A;avascript&colon;alert(1)",
      "java&Tab;script:alert(1)",
      "javascript\\:alert(1)",
      "vbscript:msgbox(1)",
      "data:text/html;base64,PHNjcmlwdD4=",
      "file:///etc/passwd",
    ]) {
      const out = sanitizeCustomerText(`Mira [aquí](${destination}) ya`);
      expect(out, destination).toBe("Mira aquí ya");
    }
    expect(sanitizeCustomerText("![logo](data:image/svg+xml,x) fin")).toBe("logo fin");
    expect(sanitizeCustomerText('[x](javascript:alert(1) "título")!')).toBe("x!");
  });

  it("keeps allowed links and autolinks, and drops other autolinks", () => {
    const allowed =
      "[web](https://laespiga.example/menu) [tel](tel:+34600000000) [mail](mailto:hola@laespiga.example) [menú](/menu#pan)";
    expect(sanitizeCustomerText(allowed)).toBe(allowed);
    expect(sanitizeCustomerText("<https://laespiga.example> <hola@laespiga.example>")).toBe(
      "https://laespiga.example hola@laespiga.example",
    );
    // Kept as bare URLs: in brackets an HTML parser reads these as tags with event handlers.
    for (const link of [
      "<https://x.example/onmouseover=alert(1)>",
      '<https:/autofocus/tabindex="1"/onfocus=alert(1)>',
    ]) {
      expect(sanitizeCustomerText(link)).not.toContain("<");
    }
    expect(sanitizeCustomerText("a <javascript:alert(1)> b <data:text/html,x> c")).toBe("a  b  c");
  });

  it("drops a reference definition to a refused destination", () => {
    expect(sanitizeCustomerText("[aquí]\n\n[aquí]: javascript:alert(1)")).toBe("[aquí]\n\n[aquí]");
    expect(sanitizeCustomerText("[x]: https://ok.example")).toBe("[x]: https://ok.example");
  });

  it("leaves nothing to run when removing one thing would put another together", () => {
    for (const attack of [
      "[x]<b></b>(javascript:alert(1))",
      "<[s](javascript:x)cript>alert(1)</script>",
      "[z][(javascript:x)](javascript:y)",
      "[a][[]](javascript:1)(javascript:2)(javascript:3)",
      "<scr<script>ipt>alert(1)</script>",
      "<<script>script>alert(1)<</script>/script>",
      "[x]<!-- -->: javascript:alert(1)",
      "<java<b></b>script:alert(1)>",
    ]) {
      expectInert(sanitizeCustomerText(attack));
    }
  });

  it("takes linear time on inputs made to make it backtrack or rescan", () => {
    const attacks = [
      "<a ",
      '<a x="',
      "[](",
      "[",
      "<!-",
      "](javascript:",
      "<https:",
      "&#",
      "[x]: javascript:",
    ];
    // The best of three runs: this machine may be busy with other work.
    const time = (text: string) => {
      let best = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        sanitizeCustomerText(text);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    for (const unit of attacks) {
      const small = time(unit.repeat(10_000));
      const large = time(unit.repeat(40_000));
      // Quadratic work would take 16 times as long for 4 times the text.
      expect(large, unit).toBeLessThan(small * 8 + 50);
      expect(large, unit).toBeLessThan(2_000);
    }
  });
});

describe("createCustomerTextStream", () => {
  const streamed = (pieces: string[]) => {
    const stream = createCustomerTextStream();
    const shown = pieces.map((piece) => stream.push(piece));
    return { shown, text: shown.join("") + stream.end() };
  };

  it("shows plain text word by word, and the whole reply as sanitizeCustomerText would", () => {
    const reply = "Abrimos de 8:00 a 14:30 los domingos [S1].";
    const { shown, text } = streamed(reply.split(/(?<= )/));
    expect(text).toBe(reply);
    expect(shown.filter(Boolean).length).toBeGreaterThan(3);
  });

  it("catches markup and links split over pieces at any point", () => {
    const reply =
      "Hola <script>alert('x')</script> mira [la web](javascript:alert(1)) o <javascript:alert(2)> y <!-- nota --> fin <b>ok</b>";
    for (const size of [1, 2, 3, 5, 7, 11]) {
      const pieces = reply.match(new RegExp(`[\\s\\S]{1,${size}}`, "g"))!;
      const { text } = streamed(pieces);
      expectInert(text);
      expect(text, `pieces of ${size}`).not.toMatch(/javascript|alert|nota/);
      expect(text).toContain("la web");
      expect(text).toContain("ok");
    }
  });

  it("holds back a `[` until it closes, and the end flushes the rest", () => {
    const stream = createCustomerTextStream();
    expect(stream.push("Ver [el ")).toBe("Ver ");
    expect(stream.push("menú] ")).toBe(""); // a `(` may follow a `]`
    expect(stream.push("y ")).toBe("[el menú] y ");
    expect(stream.push("[sin cerrar ")).toBe("");
    expect(stream.end()).toBe("[sin cerrar ");
  });
});

describe("sourceDisplayName", () => {
  it("names a source by its file name, never by the path it was added from", () => {
    expect(sourceDisplayName("/srv/tienda/internos/cupones-internos.md")).toBe("cupones-internos.md");
    expect(sourceDisplayName("knowledge/faq.md")).toBe("faq.md");
    expect(sourceDisplayName("faq.md")).toBe("faq.md");
    expect(sourceDisplayName("C:\\Users\\ana\\precios.csv")).toBe("precios.csv");
    expect(sourceDisplayName("https://laespiga.example/envios?ref=1")).toBe("envios");
    expect(sourceDisplayName("/")).toBe("document");
  });
});
