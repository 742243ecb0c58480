import type { Tenant } from "../api/api-types.js";
import { useInbox } from "../inbox/inbox-context.js";
import { useConsole } from "../session/console-context.js";
import { useLoad } from "../ui/use-load.js";

/** `#/usage`: today's tokens against the budget (`GET /api/tenant`) and the conversations the console follows. */
export default function UsagePage() {
  const { api, words } = useConsole();
  const inbox = useInbox();
  const tenant = useLoad(() => api.get<Tenant>("/api/tenant"), [api]);
  const usage = tenant.data?.usage;
  const share = usage?.dailyLimit ? Math.min(1, usage.tokens / usage.dailyLimit) : undefined;
  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">{words.usageTitle}</h1>
      <dl className="stats">
        <div>
          <dt>{words.tokensToday}</dt>
          <dd>{usage?.tokens.toLocaleString() ?? "…"}</dd>
        </div>
        <div>
          <dt>{words.dailyBudget}</dt>
          <dd>{usage ? (usage.dailyLimit?.toLocaleString() ?? words.noBudget) : "…"}</dd>
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
      <p className="notice">
        <span className="badge-soft">{words.notBuilt}</span> {words.usageMissing}
      </p>
    </section>
  );
}
