import { isDeepStrictEqual } from "node:util";
import type { ShadowRecord } from "../../spec/routing.js";
import type { GeneratedAnswer } from "./generate-answer.js";

/** The tool calls an answer made, in order: name and arguments. */
export function calledTools(answer: GeneratedAnswer): { name: string; input: unknown }[] {
  return answer.steps.flatMap((step) =>
    step.toolCalls.map((call) => ({ name: call.toolName, input: call.input })),
  );
}

/**
 * How far the teacher's silent answer agrees with the student's shown one,
 * measured without a judge (a judge call per shadowed turn would double the
 * teacher's cost again): F1 over the two texts' words (lower-cased, accents
 * and punctuation dropped, each word counted as often as it occurs), and
 * whether both called the same tools in order with JSON-equal arguments.
 * They disagree when the words agree less than `minAgreement` or the tool
 * calls differ. Two empty texts agree fully (both answered with tools only).
 */
export function shadowAgreement(
  student: GeneratedAnswer,
  teacher: GeneratedAnswer,
  minAgreement: number,
): Pick<ShadowRecord, "agreement" | "sameToolCalls" | "disagrees"> {
  const agreement = round(wordF1(student.text, teacher.text));
  const studentCalls = calledTools(student);
  const teacherCalls = calledTools(teacher);
  const sameToolCalls =
    studentCalls.length === teacherCalls.length &&
    studentCalls.every(
      (call, i) =>
        call.name === teacherCalls[i]!.name && isDeepStrictEqual(call.input, teacherCalls[i]!.input),
    );
  return { agreement, sameToolCalls, disagrees: agreement < minAgreement || !sameToolCalls };
}

/** Harmonic mean of the shared words' share of each text (bags of words); 1 for two empty texts. */
export function wordF1(a: string, b: string): number {
  const left = words(a);
  const right = words(b);
  if (left.length === 0 && right.length === 0) return 1;
  if (left.length === 0 || right.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const w of right) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of left) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(w, n - 1);
    }
  }
  if (shared === 0) return 0;
  const precision = shared / left.length;
  const recall = shared / right.length;
  return (2 * precision * recall) / (precision + recall);
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
