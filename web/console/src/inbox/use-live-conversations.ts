import { useEffect, useRef, useState } from "react";
import type { Conversation } from "../api/api-types.js";
import { followEvents } from "../api/follow-events.js";

export interface LiveConversations {
  /** Every conversation of the tenant, as the last event said. */
  all: Map<string, Conversation>;
  connected: boolean;
  /** How many wait for a person now. */
  waiting: number;
  /** Bumped on every event: pages that show one conversation reload it when it is theirs. */
  lastChange: { id: string; at: number } | undefined;
}

/**
 * The tenant's conversations, kept live from `/api/conversation-events`
 * for as long as the console is signed in (so the badge and the notification
 * work on every page). `onNeedsPerson` is called when a conversation starts
 * waiting for a person after the first snapshot: not for those already waiting;
 * `onArrived` when a conversation appears after the first snapshot.
 * `onRevoked` when the server stops accepting the key (401).
 */
export function useLiveConversations(
  key: string,
  onRevoked: () => void,
  onNeedsPerson: (c: Conversation) => void,
  onArrived: (c: Conversation) => void = () => {},
): LiveConversations {
  const [state, setState] = useState<LiveConversations>({
    all: new Map(),
    connected: false,
    waiting: 0,
    lastChange: undefined,
  });
  const notify = useRef(onNeedsPerson);
  notify.current = onNeedsPerson;
  const arrived = useRef(onArrived);
  arrived.current = onArrived;
  const revoked = useRef(onRevoked);
  revoked.current = onRevoked;
  useEffect(() => {
    let ready = false;
    return followEvents({
      key,
      onConnection: (connected) => setState((s) => ({ ...s, connected })),
      onRefused: (status) => {
        setState((s) => ({ ...s, connected: false }));
        if (status === 401) revoked.current();
      },
      onEvent(event) {
        if (event.type === "ready") ready = true;
        if (event.type !== "conversation" && event.type !== "removed") return;
        setState((s) => {
          const all = new Map(s.all);
          const id = event.type === "conversation" ? event.conversation.id : event.id;
          const before = all.get(id);
          if (event.type === "conversation") all.set(id, event.conversation);
          else all.delete(id);
          if (ready && event.type === "conversation" && before === undefined)
            queueMicrotask(() => arrived.current(event.conversation));
          if (
            ready &&
            event.type === "conversation" &&
            event.conversation.status === "waiting_human" &&
            before?.status !== "waiting_human"
          )
            queueMicrotask(() => notify.current(event.conversation));
          const waiting = [...all.values()].filter((c) => c.status === "waiting_human").length;
          return { ...s, all, waiting, lastChange: { id, at: Date.now() } };
        });
      },
    });
  }, [key]);
  return state;
}
