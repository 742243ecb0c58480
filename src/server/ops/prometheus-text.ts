/**
 * Metrics in the Prometheus text exposition format (version 0.0.4), written
 * by hand: counters, gauges and histograms with labels, kept in memory and
 * rendered on scrape. Label values are escaped (`\\`, `"`, newline); the
 * caller keeps their number bounded (route patterns, not URLs).
 */

export type Labels = Readonly<Record<string, string>>;

interface Series<T> {
  labels: Labels;
  value: T;
}

abstract class Metric<T> {
  protected readonly series = new Map<string, Series<T>>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge" | "histogram",
    protected readonly labelNames: readonly string[],
  ) {}

  protected at(labels: Labels, initial: () => T): Series<T> {
    let key = "";
    for (const name of this.labelNames) key += `${labels[name] ?? ""}\u0001`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels, value: initial() };
      this.series.set(key, series);
    }
    return series;
  }

  abstract lines(): string[];

  render(): string {
    const body = this.lines();
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n${body.join("")}`;
  }
}

export class Counter extends Metric<{ n: number }> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, "counter", labelNames);
  }

  inc(labels: Labels = {}, by = 1): void {
    this.at(labels, () => ({ n: 0 })).value.n += by;
  }

  lines(): string[] {
    return [...this.series.values()].map((s) => sample(this.name, s.labels, s.value.n));
  }
}

/**
 * A value read when scraped, from a callback: nothing to keep up to date. A
 * total kept elsewhere (the process's CPU time) is typed `counter`.
 */
export class Gauge extends Metric<never> {
  constructor(
    name: string,
    help: string,
    private readonly collect: () => Iterable<[Labels, number]> | number,
    type: "gauge" | "counter" = "gauge",
  ) {
    super(name, help, type, []);
  }

  lines(): string[] {
    const values = this.collect();
    if (typeof values === "number") return [sample(this.name, {}, values)];
    return [...values].map(([labels, value]) => sample(this.name, labels, value));
  }
}

export class Histogram extends Metric<{ counts: number[]; sum: number; count: number }> {
  private readonly bounds: readonly number[];

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, "histogram", labelNames);
    this.bounds = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    const s = this.at(labels, () => ({
      counts: new Array<number>(this.bounds.length).fill(0),
      sum: 0,
      count: 0,
    }));
    const i = this.bounds.findIndex((bound) => value <= bound);
    if (i >= 0) s.value.counts[i]! += 1;
    s.value.sum += value;
    s.value.count += 1;
  }

  lines(): string[] {
    const out: string[] = [];
    for (const { labels, value } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += value.counts[i]!;
        out.push(sample(`${this.name}_bucket`, { ...labels, le: formatNumber(bound) }, cumulative));
      });
      out.push(sample(`${this.name}_bucket`, { ...labels, le: "+Inf" }, value.count));
      out.push(sample(`${this.name}_sum`, labels, value.sum));
      out.push(sample(`${this.name}_count`, labels, value.count));
    }
    return out;
  }
}

/** The content type Prometheus expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function renderMetrics(metrics: Iterable<{ render(): string }>): string {
  let out = "";
  for (const metric of metrics) out += metric.render();
  return out;
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(",")}}` : ""} ${formatNumber(value)}\n`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}
