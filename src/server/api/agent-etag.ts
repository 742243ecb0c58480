import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { AgentRecord } from "../../spec/store.js";
import { RequestError } from "../request-error.js";

/**
 * The version of an agent as an HTTP entity tag: a hash of its spec and of
 * when it was last saved, so that two saves within one millisecond still
 * differ when their specs do. `GET` and `PUT /api/agents/:name` send it as `ETag`.
 */
export function agentEtag(agent: AgentRecord): string {
  const hash = createHash("sha256").update(`${agent.updatedAt}\n${JSON.stringify(agent.spec)}`);
  return `"${hash.digest("base64url").slice(0, 22)}"`;
}

/**
 * The preconditions of a `PUT` (RFC 9110 §13.1): `If-Match: <etag>` saves only
 * over that version of the agent (an owner who read it before another changed
 * it is told, not silently overwritten); `If-None-Match: *` only creates.
 * Without either header a `PUT` saves unconditionally, as before. Throws 412
 * `spec_changed`. Checked before the save, not within it: two saves racing in
 * the same instant may both pass (the console's case, an owner reading then
 * saving minutes later, is what it guards).
 */
export function checkAgentPreconditions(
  headers: IncomingHttpHeaders,
  current: AgentRecord | undefined,
): void {
  const ifMatch = headers["if-match"];
  const ifNoneMatch = headers["if-none-match"];
  if (ifMatch !== undefined) {
    const wanted = ifMatch.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
    const ok = current !== undefined && (wanted.includes("*") || wanted.includes(agentEtag(current)));
    if (!ok) {
      throw new RequestError(
        current
          ? "the agent was changed by someone else since you read it"
          : "the agent does not exist any more",
        {
          code: "spec_changed",
          status: 412,
          hint: "read it again (GET /api/agents/{name}), merge your change, and save with its new ETag",
        },
      );
    }
  }
  if (ifNoneMatch?.trim() === "*" && current !== undefined) {
    throw new RequestError("an agent of this name exists already", {
      code: "spec_changed",
      status: 412,
      hint: "choose another name, or read the existing agent and save with its ETag",
    });
  }
}
