/**
 * The generation steps a job runs unless told otherwise: those of
 * src/distill/steps and the rubric judge of src/distill/judge, with the job's
 * token cap (`maxTokens`) applied to every kind of call. Built from the
 * payload alone, so every worker that resumes a job runs the same steps.
 */
import { createSynthSteps } from "../steps/create-synth-steps.js";
import type { SynthJobPayload } from "./synth-job-payload.js";
import type { SynthSteps } from "./synth-step.js";

export function defaultSynthSteps(payload: Pick<SynthJobPayload, "maxTokens">): SynthSteps {
  const cap = payload.maxTokens;
  if (cap === null) return createSynthSteps();
  return createSynthSteps({
    steps: { questionTokens: Math.min(200, cap), answerTokens: cap },
    judge: { maxOutputTokens: cap },
  });
}
