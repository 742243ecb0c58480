import { detectLanguage } from "../../safety/detect-language.js";
import { redactPii } from "../../safety/redact-pii.js";
import type { SynthRow } from "../../spec/distill.js";
import { AlambiqueError } from "../../spec/errors.js";
import type { Message } from "../../spec/store.js";
import type { SynthContext } from "../pipeline/synth-step.js";
import type { FlywheelSignal } from "./flywheel-signals.js";
import { defaultStepOptions } from "./step-options.js";
import { droppedRow, keptRow } from "./synth-row-parts.js";
import { TeacherAgent } from "./teacher-agent.js";

/**
 * A real conversation whose last answer the customer disliked, made a row
 * with the teacher's answer instead: the turns before it as they were (text
 * only, personal data masked), then the customer's message answered by the
 * teacher through the agent's own turn steps (retrieval, prompt, dry-run
 * tools, citations checked). A teacher that cannot answer drops the row, as
 * in synthetic conversations.
 */
export async function teacherRewrite(
  ctx: SynthContext,
  conversationId: string,
  before: readonly Message[],
  key: string,
  signals: FlywheelSignal[],
): Promise<SynthRow> {
  const turns = before
    .filter((m) => (m.role === "user" || m.role === "assistant") && m.content.trim() !== "")
    .map((m) => ({ role: m.role as "user" | "assistant", content: redactPii(m.content).text }));
  const question = turns.at(-1);
  if (question?.role !== "user")
    throw new AlambiqueError(
      `conversation ${conversationId}: the disliked answer answers no customer message`,
      {
        code: "conversation_unusable",
        status: 422,
        retryable: false,
        hint: "the conversation was edited, or starts with the agent's answer",
      },
    );
  const stored = before.findLast((m) => typeof m.metadata.language === "string")?.metadata.language;
  const language =
    typeof stored === "string" ? stored : detectLanguage(question.content, ctx.agent.spec.languages);
  const agent = new TeacherAgent(ctx, {
    language,
    now: new Date(before.at(-1)?.createdAt ?? Date.now()),
    tools: true,
    customerId: `real-${conversationId}`,
    earlier: turns.slice(0, -1),
    options: defaultStepOptions,
  });
  const task = { key, kind: "real" as const, cell: { conversationId } };
  const provenance = (chunkIds: string[]) => ({
    kind: "real" as const,
    chunkIds,
    language,
    evolved: 0,
    teacher: ctx.teacherName,
    seed: ctx.seed,
    conversationId,
    signals,
  });
  try {
    const answer = await agent.answer(question.content, ctx.seed);
    if (!answer.ok)
      return droppedRow(task, "unknown", provenance([]), answer.reason, answer.detail, agent.recorded);
    const messages = [{ role: "system" as const, content: agent.systemPrompt() }, ...agent.recorded];
    return keptRow(task, "unknown", provenance([...agent.citedChunkIds]), messages);
  } finally {
    await agent.close();
  }
}
