import { namedModelProblem } from "../models/catalog/model-file-problem.js";
import type { ModelResolver } from "../spec/models.js";
import type { StudentHealth } from "./turn/turn-types.js";

/** Where the watch says a student went missing or came back (pino's shape). */
export interface StudentWatchLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

interface Watched {
  agent: string;
  student: string;
  problem: string | undefined;
  checkedAt: number;
  /** "Unavailable" was logged and "back" not yet. */
  logged: boolean;
  /** What last made it unavailable: its file (back when the file is), or a failure (back when it answers). */
  cause: "file" | "failure";
}

/**
 * Whether a routed agent's student can answer: its local file is there and
 * is GGUF (checked at most every `recheckMs` per agent, so a turn pays a
 * cached lookup), and it has not failed to load or answer in the last
 * `recheckMs` (then it is tried again). Unavailable, the agent's teacher
 * answers every turn. Logged once when the student becomes unavailable and
 * once when it is back (its file is, or it answered again), never per turn.
 */
export class StudentWatch {
  private readonly agents = new Map<string, Watched>();
  private readonly recheckMs: number;

  constructor(
    private readonly options: {
      models: ModelResolver;
      log?: StudentWatchLog | undefined;
      recheckMs?: number;
    },
  ) {
    this.recheckMs = options.recheckMs ?? 5_000;
  }

  /** The agent's student as a turn sees it (see `StudentHealth`). Never throws. */
  async health(agent: { id: string; name: string }, student: string): Promise<StudentHealth> {
    let watched = this.agents.get(agent.id);
    if (!watched || Date.now() - watched.checkedAt >= this.recheckMs) {
      const problem = await this.check(student);
      watched = this.agents.get(agent.id) ?? {
        agent: agent.name,
        student,
        problem,
        checkedAt: 0,
        logged: false,
        cause: "file",
      };
      watched.agent = agent.name;
      watched.student = student;
      this.agents.set(agent.id, watched);
      watched.checkedAt = Date.now();
      watched.problem = problem;
      if (problem !== undefined) this.unavailable(watched, agent, student, "file");
      else if (watched.logged && watched.cause === "file") this.back(watched, agent, student);
    }
    const current = watched;
    return {
      unavailable: current.problem !== undefined,
      failed: (error) => {
        const reason = error instanceof Error ? error.message : String(error);
        current.problem = `it did not answer: ${reason.slice(0, 200)}`;
        current.checkedAt = Date.now();
        this.unavailable(current, agent, student, "failure");
      },
      answered: () => {
        if (current.logged) this.back(current, agent, student);
      },
    };
  }

  /**
   * One public line per agent whose student failed to load or answer and has
   * not answered since (a missing file is `/readyz`'s own check): the agent
   * and the student, never the error (it may hold a path).
   */
  problems(): string[] {
    return [...this.agents.values()]
      .filter((w) => w.logged && w.cause === "failure")
      .map((w) => `agent ${w.agent}: its student ${w.student} does not load; its teacher answers every turn`)
      .sort();
  }

  private unavailable(
    watched: Watched,
    agent: { name: string },
    student: string,
    cause: Watched["cause"],
  ): void {
    watched.cause = cause;
    if (watched.logged) return;
    watched.logged = true;
    this.options.log?.warn(
      { agent: agent.name, student, problem: watched.problem },
      `agent ${agent.name}: its student ${student} is unavailable (${watched.problem}); the teacher answers every turn until it is back`,
    );
  }

  private back(watched: Watched, agent: { name: string }, student: string): void {
    watched.logged = false;
    this.options.log?.info(
      { agent: agent.name, student },
      `agent ${agent.name}: its student ${student} is back and answers first again`,
    );
  }

  /** Reads only the student's own entry where the resolver can (`get`), not the whole catalog. */
  private async check(student: string): Promise<string | undefined> {
    const { models } = this.options;
    try {
      const entries = models.get
        ? [await models.get(student)].filter((m) => m !== undefined)
        : await models.list();
      return await namedModelProblem(entries, student);
    } catch (error) {
      return `the catalog cannot be read (${error instanceof Error ? error.message : String(error)})`;
    }
  }
}
