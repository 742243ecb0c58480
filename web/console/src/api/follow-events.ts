import type { ConversationEvent } from "./api-types.js";

export interface FollowEventsOptions {
  key: string;
  /** The server's address; default the page's own (`""`). */
  baseUrl?: string;
  onEvent(event: ConversationEvent): void;
  /** Connected (true) or lost and retrying (false): the inbox says so. */
  onConnection(connected: boolean): void;
  /** Refused (401/403): no retry. */
  onRefused(status: number): void;
}

/**
 * Follows `/api/conversation-events` with `fetch` (EventSource cannot send the
 * key in a header, and the key must never be in a URL). When the stream ends
 * or breaks (a server restarting under the console), reconnects after 1, 2, 4…
 * up to 15 s, asking only for what changed since the last `updatedAt` seen.
 * Returns the function that stops it.
 */
export function followEvents(options: FollowEventsOptions): () => void {
  const controller = new AbortController();
  let since: string | undefined;
  let delay = 1000;
  const run = async () => {
    while (!controller.signal.aborted) {
      let ended = false;
      try {
        const query = since ? `?since=${encodeURIComponent(since)}` : "";
        const res = await fetch(`${options.baseUrl ?? ""}/api/conversation-events${query}`, {
          headers: { authorization: `Bearer ${options.key}` },
          signal: controller.signal,
        });
        if (res.status === 401 || res.status === 403) return options.onRefused(res.status);
        if (!res.ok || !res.body) throw new Error(String(res.status));
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!block.startsWith("data: ")) continue;
            const event = JSON.parse(block.slice(6)) as ConversationEvent;
            if (event.type === "ready") {
              options.onConnection(true);
              delay = 1000;
            }
            if (event.type === "conversation" && (!since || event.conversation.updatedAt > since))
              since = event.conversation.updatedAt;
            if (event.type === "end") ended = true;
            options.onEvent(event);
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      if (ended) continue; // the server's planned end of a stream: reconnect at once
      options.onConnection(false);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 15_000);
    }
  };
  void run();
  return () => controller.abort();
}
