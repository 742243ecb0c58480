import type { Agent } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { go } from "./use-hash-route.js";
import { useLoad } from "./use-load.js";

/** Chooses the agent a page works on; the choice is the page's address (`#/knowledge/rosa`). */
export function AgentPicker({ page, current }: { page: string; current: string | undefined }) {
  const { api, words } = useConsole();
  const agents = useLoad(() => api.get<{ data: Agent[] }>("/api/agents"), [api]);
  return (
    <label className="picker">
      {words.agent}{" "}
      <select value={current ?? ""} onChange={(e) => go(page, e.target.value)}>
        <option value="" disabled>
          {words.chooseAgent}
        </option>
        {agents.data?.data.map((a) => (
          <option key={a.id} value={a.name}>
            {a.spec.displayName ?? a.name}
          </option>
        ))}
      </select>
    </label>
  );
}
