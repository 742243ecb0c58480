/**
 * `students promote NAME --agent A` and `students rollback --agent A`: the
 * deploy gate and its undo. Registered on the `students` command by
 * `registerStudentsPromote(students, context)`.
 */
import { userInfo } from "node:os";
import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";

interface PromoteOptions {
  agent: string;
  force?: boolean;
  why?: string;
  by?: string;
  json?: boolean;
}

export function registerStudentsPromote(students: Command, context: CliContext): void {
  students
    .command("promote <name>")
    .description(
      "make an agent answer with the student, if its latest scorecard on that agent meets the agent's gate",
    )
    .requiredOption("--agent <name>", "the agent that will answer with it")
    .option(
      "--force",
      "promote although the gate is not met (or there is no scorecard); needs --why, recorded",
    )
    .option("--why <text>", "the reason for --force (recorded with the promotion)")
    .option("--by <name>", "who promotes, for the record (default: your user name)")
    .option("--json", "print the promotion as JSON")
    .action(async (name: string, options: PromoteOptions) => {
      const { promoteStudent } = await import("../../distill/eval/promote-student.js");
      const { defaultTenant } = await import("../../store/default-tenant.js");
      const store = await context.store();
      const result = await promoteStudent(store, {
        tenantId: (await defaultTenant(store)).id,
        agent: options.agent,
        student: name,
        actor: actorOf(options.by, context.env),
        force: options.force === true,
        ...(options.why !== undefined ? { why: options.why } : {}),
      });
      const p = result.promotion;
      if (options.json)
        return context.io.out(
          JSON.stringify(
            { ...p, gate: result.gate, scorecardVersion: result.scorecard?.version ?? null },
            null,
            2,
          ),
        );
      if (p.forced)
        context.io.err(
          `warning: forced past the gate (${result.gate ? result.gate.failures.join("; ") : "no scorecard"}); recorded with the reason: ${p.why}`,
        );
      context.io.out(
        `${options.agent} now answers with ${name} (was ${p.previousModel ?? "retrieval mode"}); ` +
          `change ${p.seq} by ${p.actor} at ${p.createdAt}` +
          `${result.scorecard ? `, scorecard ${result.scorecard.id} (version ${result.scorecard.version})` : ""}. ` +
          `Undo with \`alambique students rollback --agent ${options.agent}\`.`,
      );
    });

  students
    .command("rollback")
    .description("restore the model an agent had before its latest promotion")
    .requiredOption("--agent <name>", "the agent")
    .option("--why <text>", "recorded with the rollback")
    .option("--by <name>", "who rolls back, for the record (default: your user name)")
    .option("--json", "print the rollback as JSON")
    .action(async (options: { agent: string; why?: string; by?: string; json?: boolean }) => {
      const { rollbackStudent } = await import("../../distill/eval/promote-student.js");
      const { defaultTenant } = await import("../../store/default-tenant.js");
      const store = await context.store();
      const { promotion, undone } = await rollbackStudent(store, {
        tenantId: (await defaultTenant(store)).id,
        agent: options.agent,
        actor: actorOf(options.by, context.env),
        ...(options.why !== undefined ? { why: options.why } : {}),
      });
      if (options.json) return context.io.out(JSON.stringify({ ...promotion, undone }, null, 2));
      context.io.out(
        `${options.agent} answers with ${promotion.model ?? "no model (retrieval mode)"} again ` +
          `(undid change ${undone.seq}, the promotion of ${undone.model}); change ${promotion.seq} by ${promotion.actor}.`,
      );
    });
}

export function actorOf(by: string | undefined, env: NodeJS.ProcessEnv): string {
  if (by?.trim()) return by.trim();
  try {
    return userInfo().username || env.USER || "unknown";
  } catch {
    return env.USER || "unknown";
  }
}
