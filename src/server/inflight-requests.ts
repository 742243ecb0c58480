import type { FastifyReply } from "fastify";

/**
 * The abort signals of the requests being served. A request's signal aborts
 * when its client disconnects before the response is complete, so a model
 * stops generating for nobody at once; `abortAll` aborts every one, for a
 * server that is shutting down and must not wait for long generations.
 */
export class InflightRequests {
  readonly #controllers = new Set<AbortController>();

  /**
   * A controller whose signal aborts when this reply's client disconnects
   * before the response is complete; forgotten once the response closes. A
   * route also aborts it for reasons of its own (a deadline, a shutdown) with
   * a reason that says which: one controller per request, on the hot path.
   * Call it first thing in a handler: a client gone before then is caught
   * (the signal is aborted at once), but no `close` comes after.
   */
  controllerFor(reply: FastifyReply): AbortController {
    const controller = new AbortController();
    // A client that left before this was called: its `close` has fired already and will not again.
    if (reply.raw.destroyed && !reply.raw.writableFinished) {
      controller.abort(new DOMException("the client closed the connection", "AbortError"));
      return controller;
    }
    this.#controllers.add(controller);
    reply.raw.once("close", () => {
      this.#controllers.delete(controller);
      if (!reply.raw.writableFinished) {
        controller.abort(new DOMException("the client closed the connection", "AbortError"));
      }
    });
    return controller;
  }

  abortAll(): void {
    for (const controller of this.#controllers) {
      controller.abort(new DOMException("the server is shutting down", "AbortError"));
    }
    this.#controllers.clear();
  }

  get size(): number {
    return this.#controllers.size;
  }
}
