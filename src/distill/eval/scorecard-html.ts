/**
 * A scorecard as one self-contained HTML page: the gate's verdict, every
 * metric, and three inline SVG charts (rubric score distributions,
 * win/tie/loss, latency quantiles). No script, no external asset, no font:
 * it opens from a file, offline, as it was written. Every text from the
 * scorecard is escaped.
 */
import type { Scorecard } from "../../spec/evaluation.js";
import { scorecardMetrics } from "./scorecard-metrics.js";

const COLORS = {
  candidate: "#2f6fdb",
  reference: "#d9822b",
  win: "#2e9e5b",
  tie: "#9aa3ad",
  loss: "#d64545",
  unknown: "#5b5f66",
};

export function scorecardHtml(
  card: Scorecard,
  meta: { id: string; version: number; createdAt: string },
): string {
  const gate = card.gate;
  const title = `${card.candidate} vs ${card.reference} on ${card.agent.name}`;
  const checks = gate.checks
    .map(
      (c) =>
        `<tr class="${c.passed ? "pass" : "fail"}"><td>${c.passed ? "✔" : "✘"} ${esc(c.criterion)}</td><td>${esc(c.required)}</td><td>${esc(c.actual)}</td><td>${c.passed ? "" : esc(c.message)}</td></tr>`,
    )
    .join("\n");
  const metrics = scorecardMetrics(card)
    .map((m) => `<tr><td>${esc(m.metric)}</td><td>${esc(m.candidate)}</td><td>${esc(m.reference)}</td></tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2126}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #e3e6ea;padding:.3rem .5rem;text-align:left;vertical-align:top}
.pass td:first-child{color:#2e9e5b}.fail td:first-child{color:#d64545}.verdict{font-size:1.2rem;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem}
.key span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 .8rem;vertical-align:middle}
</style></head><body>
<h1>${esc(title)}</h1>
<p>Scorecard ${esc(meta.id)} (version ${meta.version}, ${esc(meta.createdAt)}): dataset ${esc(card.dataset.name)}@${card.dataset.version}
(${card.dataset.testRows} test rows, ${card.dataset.turns} turns, sha256 ${esc(card.dataset.contentHash)}), judge ${esc(card.judge)},
seed ${card.seed}, ${card.repeats} repeat${card.repeats === 1 ? "" : "s"}.</p>
<p class="verdict">Gate: ${gate.passed ? "passed" : "not passed"}</p>
<table><tr><th>criterion</th><th>required</th><th>measured</th><th>short by</th></tr>
${checks}
</table>
<h2>Charts</h2>
<p class="key"><span style="background:${COLORS.candidate}"></span>${esc(card.candidate)} (candidate)<span style="background:${COLORS.reference}"></span>${esc(card.reference)} (reference)</p>
<div class="charts">
<figure><figcaption>Rubric score distribution</figcaption>${rubricChart(card)}</figure>
<figure><figcaption>Candidate vs reference (pairwise)</figcaption>${pairChart(card)}</figure>
<figure><figcaption>Latency by percentile (ms)</figcaption>${latencyChart(card)}</figure>
</div>
<h2>Metrics</h2>
<table><tr><th>metric</th><th>${esc(card.candidate)}</th><th>${esc(card.reference)}</th></tr>
${metrics}
</table>
</body></html>
`;
}

function rubricChart(card: Scorecard): string {
  const c = card.models.candidate.rubric.histogram;
  const r = card.models.reference.rubric.histogram;
  const max = Math.max(1, ...c, ...r);
  const bars = [0, 1, 2, 3, 4]
    .map((i) => {
      const x = 30 + i * 52;
      const bar = (value: number, dx: number, color: string) => {
        const h = (value / max) * 140;
        return `<rect x="${x + dx}" y="${160 - h}" width="20" height="${h}" fill="${color}"><title>${value}</title></rect>`;
      };
      return `${bar(c[i]!, 0, COLORS.candidate)}${bar(r[i]!, 22, COLORS.reference)}<text x="${x + 21}" y="176" text-anchor="middle">${i + 1}</text>`;
    })
    .join("");
  return svg(
    300,
    190,
    `<line x1="28" y1="160" x2="292" y2="160" stroke="#888"/>${bars}<text x="2" y="20">${max}</text>`,
  );
}

function pairChart(card: Scorecard): string {
  const p = card.pairwise;
  const total = p.win + p.tie + p.loss + p.unknown;
  let x = 10;
  const parts = (["win", "tie", "loss", "unknown"] as const)
    .map((k) => {
      const w = total > 0 ? (p[k] / total) * 280 : 0;
      const rect = `<rect x="${x}" y="30" width="${w}" height="40" fill="${COLORS[k]}"><title>${k}: ${p[k]}</title></rect>`;
      const label = `<text x="${10 + ["win", "tie", "loss", "unknown"].indexOf(k) * 72}" y="100"><tspan fill="${COLORS[k]}">■</tspan> ${k} ${p[k]}</text>`;
      x += w;
      return rect + label;
    })
    .join("");
  return svg(300, 120, parts);
}

function latencyChart(card: Scorecard): string {
  const c = card.models.candidate.cost.latencyMs.quantiles;
  const r = card.models.reference.cost.latencyMs.quantiles;
  const max = Math.max(1, ...c, ...r);
  const line = (values: readonly number[], color: string) =>
    values.length === 0
      ? ""
      : `<polyline fill="none" stroke="${color}" stroke-width="2" points="${values
          .map((v, i) => `${(40 + i * 2.5).toFixed(1)},${(160 - (v / max) * 140).toFixed(1)}`)
          .join(" ")}"/>`;
  return svg(
    300,
    190,
    `<line x1="40" y1="160" x2="292" y2="160" stroke="#888"/><line x1="40" y1="20" x2="40" y2="160" stroke="#888"/>` +
      `<text x="2" y="24">${Math.round(max)}</text><text x="40" y="176">0%</text><text x="165" y="176" text-anchor="middle">p50</text><text x="290" y="176" text-anchor="end">100%</text>` +
      line(c, COLORS.candidate) +
      line(r, COLORS.reference),
  );
}

function svg(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="11" role="img">${body}</svg>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
