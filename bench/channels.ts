/**
 * Inbound messages per second through each channel's webhook to an answered
 * turn, beside the web widget's path in the same run (issue 18):
 *
 *   npx tsx bench/channels.ts [--concurrency 4] [--seconds 3] [--runs 3]
 *
 * The server (bench/channels-server.ts: the real `createServer`, a fresh
 * SQLite store, the demo agent `la-espiga` in retrieval mode, no model) runs
 * in a child process, so its CPU per message is its own; the load generator
 * and the providers' stand-ins (src/channels/*-stand-in.fixture.ts: the only
 * fake part) run in this one. Sides, each a closed loop of `--concurrency`
 * customers sending their next message when the last was answered:
 * - widget: a visitor session per customer (chat key), then
 *   `POST /v1/chat/completions` streamed, as web/widget/visitor-api.js does;
 *   answered = the stream's last byte;
 * - telegram / whatsapp / messenger: the provider's webhook POST with its real
 *   signature (secret token header, `X-Hub-Signature-256`), a contact per
 *   customer; answered = the stand-in receiving the send to that contact
 *   (queued in the store, the turn run by the channel worker, the answer sent
 *   through the channel's rate limit).
 * Every side runs once per run, in an order that rotates between runs so
 * that drift in the machine's load hits all; figures are medians over runs
 * with their range, ratios the median of per-run ratios to the widget.
 * Everything shares the machine's cores: the ratios compare the paths, not a
 * deployment's capacity.
 */
import { type ChildProcess, fork } from "node:child_process";
import { parseArgs } from "node:util";
import type { ChannelsServerReply } from "./channels-server.js";
import { type ChannelSide, startChannelSides } from "./channels-sides.js";
import { formatTable } from "./lib/format-table.js";
import { formatSpread, loadAverage, spread } from "./lib/spread.js";
import { median, percentile } from "./lib/stats.js";

const { values: args } = parseArgs({
  options: {
    concurrency: { type: "string", default: "4" },
    seconds: { type: "string", default: "3" },
    runs: { type: "string", default: "3" },
  },
});
const concurrency = Number(args.concurrency);
const seconds = Number(args.seconds);
const runs = Number(args.runs);
if (![concurrency, runs].every((n) => Number.isInteger(n) && n >= 1) || !(seconds > 0)) {
  console.error("usage: npx tsx bench/channels.ts [--concurrency 4] [--seconds 3] [--runs 3]");
  process.exit(2);
}

const server = await forkServer();
const { base, admin, chat, agent } = server.ready;
const sides: ChannelSide[] = [widgetSide(), ...(await startChannelSides({ base, admin, agent }))];

/** The widget's path: a session per customer, then streamed turns. */
function widgetSide(): ChannelSide {
  const tokens = new Map<number, string>();
  return {
    name: "widget",
    async ask(customer, text) {
      let token = tokens.get(customer);
      if (token === undefined) {
        const opened = await fetch(`${base}/api/visitor-sessions`, {
          method: "POST",
          headers: { authorization: `Bearer ${chat}`, "content-type": "application/json" },
          body: JSON.stringify({ agent }),
        });
        if (opened.status !== 201) throw new Error(`no visitor session: ${opened.status}`);
        token = ((await opened.json()) as { token: string }).token;
        tokens.set(customer, token);
      }
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: `agent:${agent}`,
          stream: true,
          messages: [{ role: "user", content: text }],
        }),
      });
      const body = await res.text();
      if (res.status !== 200 || !body.includes("[DONE]")) throw new Error(`widget: HTTP ${res.status}`);
    },
    close: async () => {},
  };
}

const questions = ["¿Qué horario tenéis?", "¿Hacéis envíos a domicilio?", "¿Tenéis pan sin gluten?"];

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  failed: number;
  /** Provider sends per answered message (above 1: answers split in parts); NaN for the widget. */
  sendsPerAnswer: number;
  /** The server's CPU time per answered message, in ms. */
  cpuMsPerMessage: number;
}

/** A closed loop of `concurrency` customers on one side for `seconds`; customer ids are unique per run. */
async function measure(side: ChannelSide, run: number): Promise<Measured> {
  const latencies: number[] = [];
  let failed = 0;
  let sent = 0;
  const sendsBefore = side.sends?.() ?? Number.NaN;
  const cpuBefore = await server.cpuMs();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const customer = run * 1000 + worker;
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await side.ask(customer, questions[sent++ % questions.length]!);
          latencies.push(performance.now() - t0);
        } catch (error) {
          failed++;
          if (failed === 1) console.error(`${side.name}: ${(error as Error).message}`);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  // Parts of the last answers may still arrive: let them land before counting.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failed,
    sendsPerAnswer: ((side.sends?.() ?? Number.NaN) - sendsBefore) / latencies.length,
    cpuMsPerMessage: ((await server.cpuMs()) - cpuBefore) / latencies.length,
  };
}

// A warm-up (a few turns per side: the first turns load the knowledge index and JIT-compile).
for (const side of sides) for (let i = 0; i < 3; i++) await side.ask(999_999, questions[i]!);

const results = new Map<string, Measured[]>(sides.map((s) => [s.name, []]));
const loads: string[] = [loadAverage()];
for (let run = 0; run < runs; run++) {
  const order = sides.map((_, i) => sides[(i + run) % sides.length]!);
  for (const side of order) results.get(side.name)!.push(await measure(side, run + 1));
}
loads.push(loadAverage());

const widget = results.get("widget")!;
const rows = sides.map((side) => {
  const all = results.get(side.name)!;
  const ratios = all.map((m, i) => m.perSecond / widget[i]!.perSecond);
  return [
    side.name,
    formatSpread(spread(all.map((m) => m.perSecond))),
    formatSpread(spread(all.map((m) => m.p50))),
    formatSpread(spread(all.map((m) => m.p99))),
    side.name === "widget" ? "1" : median(ratios).toFixed(2),
    formatSpread(spread(all.map((m) => m.cpuMsPerMessage)), 2),
    side.sends ? median(all.map((m) => m.sendsPerAnswer)).toFixed(2) : "-",
    String(all.reduce((n, m) => n + m.failed, 0)),
  ];
});
console.log(
  `channels bench: ${runs} run(s) × ${seconds} s per side, ${concurrency} customers each; ` +
    `median (range over runs); load average ${loads.join(" → ")}`,
);
console.log(
  formatTable([
    [
      "side",
      "msgs/s",
      "p50 ms to answered",
      "p99 ms",
      "msgs/s vs widget",
      "server CPU ms/msg",
      "sends/answer",
      "failed",
    ],
    ...rows,
  ]),
);

await Promise.all(sides.map((side) => side.close()));
await server.ask("close");

/** Forks bench/channels-server.ts and waits until it listens; its replies come in the order of the requests. */
async function forkServer() {
  const child: ChildProcess = fork(new URL("./channels-server.ts", import.meta.url), [], {
    execArgv: process.execArgv,
  });
  const next = () =>
    new Promise<ChannelsServerReply>((resolve, reject) => {
      const exit = (code: number | null) => reject(new Error(`the bench's server exited (${code})`));
      child.once("exit", exit);
      child.once("message", (message) => {
        child.off("exit", exit);
        resolve(message as ChannelsServerReply);
      });
    });
  const ready = (await next()) as Extract<ChannelsServerReply, { op: "ready" }>;
  return {
    ready,
    ask(op: "cpu" | "close") {
      const answer = next();
      child.send({ op });
      return answer;
    },
    /** The server's CPU time so far, in ms. */
    async cpuMs() {
      return ((await this.ask("cpu")) as Extract<ChannelsServerReply, { op: "cpu" }>).micros / 1000;
    },
  };
}
