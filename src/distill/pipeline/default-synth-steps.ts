/**
 * The generation steps a job runs unless told otherwise: those of
 * src/distill/steps and the rubric judge of src/distill/judge, with the job's
 * token cap (`maxTokens`) applied to every kind of call and its judge thresholds. Built from the
 * payload alone, so every worker that resumes a job runs the same steps.
 */
import { createSynthSteps } from "../steps/create-synth-steps.js";
import type { SynthJobPayload } from "./synth-job-payload.js";
import type { SynthSteps } from "./synth-step.js";

export function defaultSynthSteps(payload: Pick<SynthJobPayload, "maxTokens" | "thresholds">): SynthSteps {
  const cap = payload.maxTokens;
  const thresholds = payload.thresholds === undefined ? {} : { thresholds: payload.thresholds };
  if (cap === null) return createSynthSteps({ judge: thresholds });
  return createSynthSteps({
    steps: { questionTokens: Math.min(200, cap), answerTokens: cap },
    judge: { maxOutputTokens: cap, ...thresholds },
  });
}
