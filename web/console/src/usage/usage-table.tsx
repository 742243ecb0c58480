import type { Usage } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";

/** The agents' answers per day, agent and model, with a totals row; cost only where the catalog has prices. */
export function UsageTable({ usage }: { usage: Usage }) {
  const { words, locale } = useConsole();
  const w = words.usagePage;
  const n = (value: number) => value.toLocaleString(locale);
  const money = (value: number | null) =>
    value === null ? w.noPrice : value.toLocaleString(locale, { maximumFractionDigits: 4 });
  if (usage.turns.length === 0) return <p className="muted">{w.noTurns}</p>;
  const sum = (pick: (t: Usage["turns"][number]) => number) => usage.turns.reduce((a, t) => a + pick(t), 0);
  const priced = usage.turns.filter((t) => t.cost !== null);
  return (
    <>
      {usage.truncated && <p className="notice">{w.truncated}</p>}
      <div className="table-scroll">
        <table className="table usage">
          <thead>
            <tr>
              <th>{w.day}</th>
              <th>{w.agent}</th>
              <th>{w.model}</th>
              <th>{w.turns}</th>
              <th>{w.handoffs}</th>
              <th>{w.tokensIn}</th>
              <th>{w.tokensOut}</th>
              <th>{w.latency}</th>
              <th>{w.cost}</th>
            </tr>
          </thead>
          <tbody>
            {usage.turns.map((t) => (
              <tr key={`${t.day}-${t.agent}-${t.model}`}>
                <td>{t.day}</td>
                <td>{t.agent}</td>
                <td>{t.model ?? <span className="muted">{w.documents}</span>}</td>
                <td>{n(t.turns)}</td>
                <td>{n(t.handoffs)}</td>
                <td>{n(t.inputTokens)}</td>
                <td>{n(t.outputTokens)}</td>
                <td>{n(t.meanLatencyMs)} ms</td>
                <td>{money(t.cost)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={3}>{w.total}</th>
              <td>{n(sum((t) => t.turns))}</td>
              <td>{n(sum((t) => t.handoffs))}</td>
              <td>{n(sum((t) => t.inputTokens))}</td>
              <td>{n(sum((t) => t.outputTokens))}</td>
              <td />
              <td>{priced.length ? money(priced.reduce((a, t) => a + (t.cost ?? 0), 0)) : w.noPrice}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
