import { lazy, Suspense } from "react";
import type { Agent } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { useLoad } from "../ui/use-load.js";

// The editor brings the agent spec's zod schema and a YAML reader: loaded when an agent is opened.
const AgentEditor = lazy(() => import("../agents/agent-editor.js"));

/** `#/agents`: the tenant's agents; `#/agents/new` and `#/agents/NAME`: the editor. */
export default function AgentsPage({ route }: { route: string[] }) {
  const { api, words } = useConsole();
  const agents = useLoad(() => api.get<{ data: Agent[] }>("/api/agents"), [api, route[0]]);
  if (route[0] !== undefined) {
    return (
      <Suspense fallback={<p className="muted">{words.loading}</p>}>
        <AgentEditor name={route[0] === "new" ? undefined : route[0]} />
      </Suspense>
    );
  }
  return (
    <section aria-labelledby="agents-title">
      <div className="page-head">
        <h1 id="agents-title">{words.agentsTitle}</h1>
        <a className="button" href="#/agents/new">
          {words.newAgent}
        </a>
      </div>
      {agents.error && (
        <p className="error" role="alert">
          {agents.error.message}
        </p>
      )}
      {agents.data?.data.length === 0 && <p className="muted">{words.noAgents}</p>}
      <ul className="cards">
        {agents.data?.data.map((agent) => (
          <li key={agent.id} className="card">
            <h2>
              <a href={`#/agents/${encodeURIComponent(agent.name)}`}>
                {agent.spec.displayName ?? agent.name}
              </a>
            </h2>
            <p className="muted">
              agent:{agent.name} · {agent.spec.model ?? words.retrievalMode}
              {agent.spec.widget?.enabled ? ` · ${words.onWidget}` : ""}
            </p>
            <p className="clamp">{agent.spec.persona}</p>
            <p className="card-links">
              <a href={`#/agents/${encodeURIComponent(agent.name)}`}>{words.edit}</a>
              <a href={`#/knowledge/${encodeURIComponent(agent.name)}`}>{words.nav.knowledge}</a>
              <a href={`#/playground/${encodeURIComponent(agent.name)}`}>{words.nav.playground}</a>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
