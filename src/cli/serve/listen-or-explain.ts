import type { FastifyInstance } from "fastify";
import { AlambiqueError } from "../../spec/errors.js";

/**
 * `app.listen`, with the two failures a person can fix themselves said as
 * such: the port is taken (another `serve` or `demo`, or another program) or
 * below 1024 without the right to it. Throws AlambiqueError `port_in_use` or
 * `port_not_allowed` naming the address and how to pick another port; any
 * other failure as it came.
 */
export async function listenOrExplain(app: FastifyInstance, port: number, host: string): Promise<string> {
  try {
    return await app.listen({ port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const another = port === 8787 ? 8788 : port + 1;
    const fix = `choose another port: --port ${another}, or PORT=${another} in the environment (or server.port in alambique.yaml)`;
    if (code === "EADDRINUSE") {
      throw new AlambiqueError(
        `port ${port} on ${host} is already in use: another alambique serve or demo, or another program, is listening there`,
        {
          code: "port_in_use",
          status: 409,
          retryable: false,
          hint: `stop that program, or ${fix}`,
          cause: error,
        },
      );
    }
    if (code === "EACCES") {
      throw new AlambiqueError(`this user may not listen on port ${port} of ${host}`, {
        code: "port_not_allowed",
        status: 403,
        retryable: false,
        hint: `ports below 1024 need special rights: ${fix}`,
        cause: error,
      });
    }
    throw error;
  }
}
