import type { IncomingHttpHeaders } from "node:http";
import type { AgentSpec } from "../../spec/agent.js";

/** The page a browser request comes from (its Origin header), or null when none was sent. */
export function requestOrigin(headers: IncomingHttpHeaders): string | null {
  return typeof headers.origin === "string" ? headers.origin : null;
}

/**
 * Whether visitors from a page on `origin` may talk to an agent with this spec
 * now: its widget is enabled and, when it lists origins, the page is on one.
 * Checked when a session opens and again on every use of its token, so that
 * turning the widget off or narrowing its origins applies to sessions already
 * open. `origin` is the browser's Origin header (null when none was sent).
 */
export function visitorMayUse(spec: AgentSpec, origin: string | null): boolean {
  if (!spec.widget.enabled) return false;
  return spec.widget.origins.length === 0 || (origin !== null && spec.widget.origins.includes(origin));
}
