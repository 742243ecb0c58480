/** Knobs of the generation steps; every field has a default that suits a real teacher. */
export interface StepOptions {
  /** Most tokens of a customer message (question, rewrite, simulated reply). Default 200. */
  questionTokens: number;
  /** Most tokens of an agent's answer, per model step. Default 700. */
  answerTokens: number;
  /** Structured attempts before a row is dropped as `invalid_output`. Default 2. */
  attempts: number;
  /** Passages retrieved per customer message, as the runtime does. Default 5. */
  retrievalLimit: number;
}

export const defaultStepOptions: StepOptions = {
  questionTokens: 200,
  answerTokens: 700,
  attempts: 2,
  retrievalLimit: 5,
};
