import { useEffect, useState } from "react";
import type { ConversationLanguage } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { useInbox } from "./inbox-context.js";

/**
 * The language of each conversation (`GET /api/conversation-languages`), by
 * id, for the inbox's language filter: asked for once the filter is used
 * (`wanted`), and again when a conversation changes, at most every 2 s.
 */
export function useConversationLanguages(wanted: boolean): Map<string, string> {
  const { api } = useConsole();
  const { lastChange } = useInbox();
  const [languages, setLanguages] = useState(new Map<string, string>());
  // biome-ignore lint/correctness/useExhaustiveDependencies: `lastChange` is when to ask again
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    const timer = setTimeout(
      () =>
        void api.get<{ data: ConversationLanguage[] }>("/api/conversation-languages").then(
          (answer) => current && setLanguages(new Map(answer.data.map((c) => [c.id, c.language]))),
          () => {},
        ),
      languages.size === 0 ? 0 : 2000,
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, wanted, lastChange?.at]);
  return languages;
}
