import type { Store } from "../../spec/store.js";

export interface RoutingReadiness {
  /** One public line per routed agent whose student cannot answer: its teacher answers every turn. */
  degraded: string[];
  /** Models used only as routed agents' students: a problem of theirs degrades, never fails, readiness. */
  studentsOnly: Set<string>;
}

/**
 * The routed agents (`routing` with a student `model` and a teacher
 * `fallbackModel`) whose student's file is missing or is not GGUF: the
 * agent still answers, by its teacher, so the server is degraded, not down.
 * A line names the agent and its student, never a path or a tenant
 * (`/readyz` is public). `studentProblem` says what keeps a student from being
 * opened, undefined when nothing does (`namedModelProblem`'s contract; the
 * readiness check answers from the files it already opened).
 */
export async function checkRouting(
  store: Store,
  studentProblem: (student: string) => Promise<string | undefined>,
): Promise<RoutingReadiness> {
  const uses = new Map<string, Set<"student" | "other">>();
  const use = (name: unknown, as: "student" | "other") => {
    if (typeof name !== "string") return;
    if (!uses.has(name)) uses.set(name, new Set());
    uses.get(name)!.add(as);
  };
  const routed: { agent: string; student: string }[] = [];
  for (const tenant of await store.tenants.list()) {
    for (const agent of await store.agents.list(tenant.id)) {
      const spec = agent.spec as {
        model?: unknown;
        fallbackModel?: unknown;
        embeddingModel?: unknown;
        routing?: unknown;
      };
      const isRouted =
        spec.routing != null && typeof spec.model === "string" && typeof spec.fallbackModel === "string";
      use(spec.model, isRouted ? "student" : "other");
      use(spec.fallbackModel, "other");
      use(spec.embeddingModel, "other");
      if (isRouted) routed.push({ agent: agent.name, student: spec.model as string });
    }
  }
  const degraded: string[] = [];
  for (const { agent, student } of routed) {
    const problem = await studentProblem(student);
    if (problem)
      degraded.push(
        `agent ${agent}: its student ${student} is missing (${problem}); its teacher answers every turn`,
      );
  }
  const studentsOnly = new Set([...uses].filter(([, as]) => !as.has("other")).map(([name]) => name));
  return { degraded: degraded.sort(), studentsOnly };
}
