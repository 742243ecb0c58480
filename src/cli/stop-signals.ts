type StopSignal = "SIGINT" | "SIGTERM";

const exitCodes: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Listens for `signals` until the returned function is called: the first
 * signal calls `onStop` (pause the job, drain the server…), a second one
 * exits at once with 128 + its number, as a user pressing Ctrl-C twice
 * expects.
 *
 * The listeners stay registered while the command stops, never `once`:
 * node-llama-cpp (imported on first use) brings in signal-exit, which
 * re-raises a signal when it sees no listener but its own, and a `once`
 * listener is already gone when it looks: the process would die mid-stop.
 */
export function onStopSignal(
  onStop: (signal: StopSignal) => void,
  signals: StopSignal[] = ["SIGINT", "SIGTERM"],
): () => void {
  let stopping = false;
  const listener = (signal: StopSignal) => {
    if (stopping) process.exit(exitCodes[signal]);
    stopping = true;
    onStop(signal);
  };
  for (const signal of signals) process.on(signal, listener);
  return () => {
    for (const signal of signals) process.off(signal, listener);
  };
}
