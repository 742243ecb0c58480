import { createContext, useContext } from "react";
import type { LiveConversations } from "./use-live-conversations.js";

export const InboxContext = createContext<LiveConversations | null>(null);

export function useInbox(): LiveConversations {
  const value = useContext(InboxContext);
  if (!value) throw new Error("useInbox outside the shell");
  return value;
}
