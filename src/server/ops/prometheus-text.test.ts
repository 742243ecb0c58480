import { describe, expect, it } from "vitest";
import { Counter, Gauge, Histogram, renderMetrics } from "./prometheus-text.js";

describe("Prometheus text exposition", () => {
  it("renders counters, gauges and cumulative histograms with escaped labels", () => {
    const counter = new Counter("c_total", "A counter.\nTwo lines.", ["route"]);
    counter.inc({ route: "/a" });
    counter.inc({ route: "/a" }, 2);
    counter.inc({ route: 'say "hi"\\\n' });
    const gauge = new Gauge("g", "A gauge.", () => [
      [{ model: "m" }, 1.5],
      [{ model: "n" }, Number.POSITIVE_INFINITY],
    ]);
    const total = new Gauge("t_total", "Kept elsewhere.", () => 7, "counter");
    const histogram = new Histogram("h_seconds", "A histogram.", ["route"], [0.1, 0.01, 1]);
    for (const v of [0.005, 0.05, 0.05, 5]) histogram.observe({ route: "/a" }, v);
    expect(renderMetrics([counter, gauge, total, histogram])).toBe(
      [
        "# HELP c_total A counter.\\nTwo lines.",
        "# TYPE c_total counter",
        'c_total{route="/a"} 3',
        'c_total{route="say \\"hi\\"\\\\\\n"} 1',
        "# HELP g A gauge.",
        "# TYPE g gauge",
        'g{model="m"} 1.5',
        'g{model="n"} +Inf',
        "# HELP t_total Kept elsewhere.",
        "# TYPE t_total counter",
        "t_total 7",
        "# HELP h_seconds A histogram.",
        "# TYPE h_seconds histogram",
        'h_seconds_bucket{route="/a",le="0.01"} 1',
        'h_seconds_bucket{route="/a",le="0.1"} 3',
        'h_seconds_bucket{route="/a",le="1"} 3',
        'h_seconds_bucket{route="/a",le="+Inf"} 4',
        'h_seconds_sum{route="/a"} 5.105',
        'h_seconds_count{route="/a"} 4',
        "",
      ].join("\n"),
    );
  });
});
