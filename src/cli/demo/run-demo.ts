import type { CliContext } from "../cli-context.js";

/**
 * The main job. Today it prepares the data directory and the store and says
 * plainly what the finished demo will do; each issue that lands adds its step.
 */
export async function runDemo(context: CliContext): Promise<void> {
  const { config, io } = context;
  io.out(`Alambique demo — data in ${config.dataPath}`);
  io.out(
    "Not yet: the bilingual bakery agent, its knowledge and the HTTP server arrive with the agents and server issues.",
  );
}
