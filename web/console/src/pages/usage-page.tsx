import { useState } from "react";
import type { Tenant, Usage } from "../api/api-types.js";
import { useInbox } from "../inbox/inbox-context.js";
import { useConsole } from "../session/console-context.js";
import { useLoad } from "../ui/use-load.js";
import { RatingsPerDay } from "../usage/ratings-per-day.js";
import { UsageTable } from "../usage/usage-table.js";

/**
 * `#/usage`: today's tokens against the budget (`GET /api/tenant`), the
 * tokens of each day of the period, the agents' answers per day, agent
 * and model with their tokens, latency and cost, and the customers' ratings
 * of the answers per day (`GET /api/usage`).
 */
export default function UsagePage() {
  const { api, words, locale } = useConsole();
  const w = words.usagePage;
  const inbox = useInbox();
  const [days, setDays] = useState(7);
  const tenant = useLoad(() => api.get<Tenant>("/api/tenant"), [api]);
  const report = useLoad(() => api.get<Usage>(`/api/usage?days=${days}`), [api, days]);
  const usage = tenant.data?.usage;
  const share = usage?.dailyLimit ? Math.min(1, usage.tokens / usage.dailyLimit) : undefined;
  const most = Math.max(1, report.data?.dailyLimit ?? 0, ...(report.data?.days ?? []).map((d) => d.tokens));
  return (
    <section aria-labelledby="usage-title">
      <div className="page-head">
        <h1 id="usage-title">{words.usageTitle}</h1>
        <div className="picker">
          <label htmlFor="usage-days">{w.window}</label>
          <select id="usage-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {[7, 14, 31].map((n) => (
              <option key={n} value={n}>
                {w.lastDays(n)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <dl className="stats">
        <div>
          <dt>{words.tokensToday}</dt>
          <dd>{usage?.tokens.toLocaleString(locale) ?? "…"}</dd>
        </div>
        <div>
          <dt>{words.dailyBudget}</dt>
          <dd>{usage ? (usage.dailyLimit?.toLocaleString(locale) ?? words.noBudget) : "…"}</dd>
        </div>
        <div>
          <dt>{words.conversationsLoaded}</dt>
          <dd>{inbox.all.size}</dd>
        </div>
        <div>
          <dt>{words.needingPerson}</dt>
          <dd>{inbox.waiting}</dd>
        </div>
      </dl>
      {share !== undefined && (
        <meter min={0} max={1} value={share} aria-label={words.dailyBudget}>
          {Math.round(share * 100)}%
        </meter>
      )}
      {report.error && <p className="error">{report.error.message}</p>}
      <h2>{w.tokensPerDay}</h2>
      <ol className="bars">
        {report.data?.days.map((d) => (
          <li key={d.day}>
            <span className="bar-label">{d.day.slice(5)}</span>
            <span className="bar" style={{ width: `${(d.tokens / most) * 100}%` }} />
            <span className="bar-value">{d.tokens.toLocaleString(locale)}</span>
          </li>
        ))}
      </ol>
      <h2>{w.perAgent}</h2>
      {report.data && <UsageTable usage={report.data} />}
      <h2>{words.ratings.title}</h2>
      <p className="help">{words.ratings.help}</p>
      {report.data && <RatingsPerDay ratings={report.data.ratings} />}
    </section>
  );
}
