import { monitorEventLoopDelay } from "node:perf_hooks";
import type { GenerationQueues } from "../limits/generation-queues.js";
import type { OpenStreams } from "./open-streams.js";
import { Counter, Gauge, Histogram, renderMetrics } from "./prometheus-text.js";

/** Seconds: from a fast cache hit to a long CPU generation. */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

export interface ServerMetricsSources {
  queues: GenerationQueues;
  streams: OpenStreams;
}

/**
 * The server's metrics (`GET /metrics`). Counted as requests finish: requests
 * by method, route pattern and status, and their latency; tokens in and out
 * by model. Read when scraped: requests in flight, open streams, the
 * generation queues, the models that have served a generation (the embedded
 * pool keeps those loaded), and the process's memory, CPU and event-loop delay.
 */
export class ServerMetrics {
  readonly #requests = new Counter("alambique_http_requests_total", "HTTP requests answered.", [
    "method",
    "route",
    "status",
  ]);
  readonly #latency = new Histogram(
    "alambique_http_request_duration_seconds",
    "Time from receiving a request to the end of its response (a stream's whole life).",
    ["method", "route"],
    LATENCY_BUCKETS,
  );
  readonly #tokens = new Counter(
    "alambique_tokens_total",
    "Tokens processed, by model and kind: prompt (in) or completion (out).",
    ["model", "kind"],
  );
  readonly #models = new Set<string>();
  readonly #loop = monitorEventLoopDelay({ resolution: 20 });
  readonly #processStart = Math.round(Date.now() / 1000 - process.uptime());

  #active = 0;

  constructor(private readonly sources: ServerMetricsSources) {
    this.#loop.enable();
  }

  /** Requests received and not yet answered or abandoned (streams included). */
  get active(): number {
    return this.#active;
  }

  requestStarted(): void {
    this.#active++;
  }

  requestEnded(): void {
    this.#active--;
  }

  /** `route` is the route's pattern (`/v1/models/:model`), never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.#requests.inc({ method, route, status: String(status) });
    this.#latency.observe({ method, route }, seconds);
  }

  addTokens(model: string, prompt: number, completion: number): void {
    this.#models.add(model);
    if (prompt > 0) this.#tokens.inc({ model, kind: "prompt" }, prompt);
    if (completion > 0) this.#tokens.inc({ model, kind: "completion" }, completion);
  }

  /** Notes a model that has served a generation (counted by `alambique_models_loaded`). */
  modelUsed(model: string): void {
    this.#models.add(model);
  }

  render(): string {
    const { queues, streams } = this.sources;
    const queue = queues.snapshot();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const gauges = [
      new Gauge(
        "alambique_http_requests_in_flight",
        "Requests being served (streams included).",
        () => this.#active,
      ),
      new Gauge("alambique_sse_streams_open", "Server-sent event streams open.", () => streams.size),
      new Gauge("alambique_generation_queue_running", "Generations running, by model.", () =>
        queue.map((q) => [{ model: q.model }, q.running]),
      ),
      new Gauge(
        "alambique_generation_queue_waiting",
        "Requests waiting for a generation slot, by model.",
        () => queue.map((q) => [{ model: q.model }, q.waiting]),
      ),
      new Gauge(
        "alambique_models_loaded",
        "Models this process has run a generation on (the embedded pool keeps them loaded).",
        () => this.#models.size,
      ),
      new Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", () => memory.rss),
      new Gauge("nodejs_heap_used_bytes", "V8 heap in use, in bytes.", () => memory.heapUsed),
      new Gauge(
        "process_cpu_seconds_total",
        "User and system CPU time spent, in seconds.",
        () => (cpu.user + cpu.system) / 1e6,
        "counter",
      ),
      new Gauge(
        "process_start_time_seconds",
        "Start time of the process, in Unix seconds.",
        () => this.#processStart,
      ),
      new Gauge(
        "nodejs_eventloop_delay_p99_seconds",
        "99th percentile of event-loop delay since the last scrape, in seconds.",
        () => {
          const p99 = this.#loop.percentile(99) / 1e9;
          this.#loop.reset();
          return p99;
        },
      ),
    ];
    return renderMetrics([this.#requests, this.#latency, this.#tokens, ...gauges]);
  }

  /** Stops the event-loop sampler. */
  close(): void {
    this.#loop.disable();
  }
}
