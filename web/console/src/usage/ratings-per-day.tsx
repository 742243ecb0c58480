import type { Usage } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";

/**
 * The customers' thumbs up and down per day of the period (`ratings` of
 * `GET /api/usage`), with the share of positive ones and a bar of each day's
 * ratings (up in green, down in red) scaled to the busiest day; the numbers
 * are in the table, the bar only repeats them for the eye.
 */
export function RatingsPerDay({ ratings }: { ratings: Usage["ratings"] }) {
  const { words, locale } = useConsole();
  const w = words.ratings;
  const u = words.usagePage;
  const n = (value: number) => value.toLocaleString(locale);
  const positive = (up: number, down: number) =>
    up + down === 0 ? "—" : w.positive(Math.round((up / (up + down)) * 100));
  const up = ratings.reduce((a, r) => a + r.up, 0);
  const down = ratings.reduce((a, r) => a + r.down, 0);
  if (up + down === 0) return <p className="muted">{w.none}</p>;
  const most = Math.max(1, ...ratings.map((r) => r.up + r.down));
  return (
    <div className="table-scroll">
      <table className="table ratings">
        <thead>
          <tr>
            <th>{u.day}</th>
            <th>{w.up}</th>
            <th>{w.down}</th>
            <th>{w.share}</th>
            <td />
          </tr>
        </thead>
        <tbody>
          {ratings.map((r) => (
            <tr key={r.day}>
              <td>{r.day}</td>
              <td>{n(r.up)}</td>
              <td>{n(r.down)}</td>
              <td>{positive(r.up, r.down)}</td>
              <td aria-hidden="true" style={{ width: "40%" }}>
                <span style={{ display: "flex", height: "0.9rem" }}>
                  <span style={{ width: `${(r.up / most) * 100}%`, background: "var(--ok)" }} />
                  <span style={{ width: `${(r.down / most) * 100}%`, background: "var(--warn)" }} />
                </span>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>{u.total}</th>
            <td>{n(up)}</td>
            <td>{n(down)}</td>
            <td>{positive(up, down)}</td>
            <td aria-hidden="true" />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
