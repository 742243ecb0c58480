/**
 * Ingest speed: how fast a business's documents become knowledge, and what
 * that costs the customers being served meanwhile (issue 15, item 4).
 *
 *   npx tsx bench/ingest.ts [--rounds 3] [--pdf-pages 50] [--markdown-kb 128] [--html-kb 512]
 *     [--csv-kb 128] [--rate 10] [--skip rates,first,serving]
 *
 * Documents (ingest-documents.ts): a Markdown FAQ, an HTML catalogue page, a
 * CSV catalogue and a PDF of `--pdf-pages` pages of text (FlateDecode, as PDF
 * writers make them), built from the demo bakery's text, the same bytes on
 * every run. Three phases, each in `--rounds` rounds with its sides
 * interleaved (order alternating), every figure the median over rounds with
 * the rounds' range, every ratio the median of per-round ratios:
 * 1. rates (ingest-rate.ts): KB/s of `ingestSources` (what `alambique knowledge add` and the upload route
 *    run) per format, against the same words as plain text, the same file read in a worker started for it
 *    (as before workers were kept), read without a worker, and the raw read of its bytes;
 * 2. first answer (ingest-first-answer.ts): from sending an upload through `POST /api/agents/:name/knowledge`
 *    to the first `POST /v1/chat/completions` answer citing it, against the same words uploaded as `.txt`;
 * 3. serving (ingest-serving.ts): p50/p99 of agent turns at `--rate` per second (open loop) while a PDF and a
 *    large HTML page are ingesting (uploaded again until 3 s have passed), against the same with nothing ingesting.
 * Phases 2 and 3 run the server as `alambique serve` does (API keys, limits, the demo agent in retrieval
 * mode) in a child process of its own (bench/agent-turns-server.ts), on a fresh data folder.
 * The load average is printed: on a shared machine only the ratios compare across runs.
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { startServer } from "./agent-turns-server-process.js";
import {
  csvDocument,
  type Document,
  type Format,
  htmlDocument,
  markdownDocument,
  pdfDocument,
} from "./ingest-documents.js";
import { measureFirstAnswers } from "./ingest-first-answer.js";
import { putAgent } from "./ingest-http.js";
import { measureRates } from "./ingest-rate.js";
import { firstAnswerTable, rateTable, servingTable } from "./ingest-report.js";
import { measureServing } from "./ingest-serving.js";
import { loadAverage } from "./lib/spread.js";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    "pdf-pages": { type: "string", default: "50" },
    "markdown-kb": { type: "string", default: "128" },
    "html-kb": { type: "string", default: "512" },
    "csv-kb": { type: "string", default: "128" },
    rate: { type: "string", default: "10" },
    skip: { type: "string", default: "" },
    help: { type: "boolean", default: false },
  },
});
const usage =
  "npx tsx bench/ingest.ts [--rounds 3] [--pdf-pages 50] [--markdown-kb 128] [--html-kb 512] [--csv-kb 128]\n" +
  "  [--rate 10] [--skip rates,first,serving]";
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const rounds = Number(args.rounds);
const pdfPages = Number(args["pdf-pages"]);
const sizes = {
  markdown: Number(args["markdown-kb"]),
  html: Number(args["html-kb"]),
  csv: Number(args["csv-kb"]),
};
const rate = Number(args.rate);
const skip = new Set(args.skip.split(",").filter(Boolean));
if (
  [rounds, pdfPages, rate, ...Object.values(sizes)].some((n) => !Number.isInteger(n) || n < 1) ||
  [...skip].some((s) => !["rates", "first", "serving"].includes(s))
) {
  console.error(
    `Bad arguments: counts and sizes are positive whole numbers; --skip takes rates, first, serving.\n${usage}`,
  );
  process.exit(2);
}

const command =
  `npx tsx bench/ingest.ts --rounds ${rounds} --pdf-pages ${pdfPages} --markdown-kb ${sizes.markdown} ` +
  `--html-kb ${sizes.html} --csv-kb ${sizes.csv} --rate ${rate}${args.skip ? ` --skip ${args.skip}` : ""}`;
console.log(`reproduce: ${command}`);
console.log(
  `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}; load average before: ${loadAverage()}`,
);
console.log(
  "Run from src/ through tsx: a new reading worker loads the readers through tsx's require hook (compiled\n" +
    "once, cached), which costs it more than the built dist/ does (the `a worker per document` rows).\n",
);

const formats: Format[] = ["markdown", "html", "csv", "pdf"];
function make(format: Format, seed: number, fact?: string): Document {
  if (format === "pdf") return pdfDocument(seed, pdfPages, fact);
  const build = { markdown: markdownDocument, html: htmlDocument, csv: csvDocument }[format];
  return build(seed, sizes[format] * 1024, fact);
}
const log = (message: string) =>
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}; load ${loadAverage()}\n`);

const loads: string[] = [];

if (!skip.has("rates")) {
  const before = loadAverage();
  const rateSamples = await measureRates(
    formats.map((format, i) => make(format, i + 1)),
    rounds,
    log,
  );
  loads.push(`rates: ${before} → ${loadAverage()}`);
  console.log(
    "\n1. Ingestion rate: `ingestSources` of one file into a fresh agent (hash, read in a worker, store)",
  );
  console.log(rateTable(rateSamples));
}
if (!skip.has("first") || !skip.has("serving")) {
  const server = await startServer("retrieval");
  try {
    const endpoint = { origin: new URL(server.url).origin, apiKey: server.apiKey };
    if (!skip.has("first")) {
      const before = loadAverage();
      const firstSamples = await measureFirstAnswers(endpoint, server.agent, make, formats, rounds, log);
      loads.push(`first answer: ${before} → ${loadAverage()}`);
      console.log(
        "\n2. Time to the first answer from an upload (HTTP upload route, then retrieval-mode turns)",
      );
      console.log(firstAnswerTable(firstSamples));
    }
    if (!skip.has("serving")) {
      await putAgent(endpoint, "catalogo");
      const before = loadAverage();
      const servingSamples = await measureServing({
        endpoint,
        agent: server.agent,
        otherAgent: "catalogo",
        rate,
        questions: [
          "¿A qué hora abrís los domingos?",
          "¿Cuánto cuesta la tarta de queso?",
          "¿Hacéis envíos a Benimaclet?",
          "¿Puedo pagar con Bizum?",
          "¿Tenéis pan de centeno?",
          "Do you deliver on Mondays?",
        ],
        documents: (round, pair) => ({
          pdf: make("pdf", 1000 + 100 * round + pair),
          html: make("html", 2000 + 100 * round + pair),
        }),
        minWindowMs: 3000,
        rounds,
        log,
      });
      loads.push(`serving: ${before} → ${loadAverage()}`);
      console.log("\n3. Serving latency while ingesting (same server, same run, windows interleaved)");
      console.log(servingTable(servingSamples, rate));
    }
  } finally {
    await server.close();
  }
}

console.log(`\nload average (1 5 15 min) per phase: ${loads.join("; ")}; after: ${loadAverage()}`);
console.log(`reproduce: ${command}`);
