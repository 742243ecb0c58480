import { useEffect, useState } from "react";
import type { Conversation } from "../api/api-types.js";
import { playChime, setSoundWanted, soundWanted } from "../inbox/chime.js";
import { ConversationView } from "../inbox/conversation-view.js";
import { customerLabel } from "../inbox/customer-label.js";
import { useInbox } from "../inbox/inbox-context.js";
import { useConversationLanguages } from "../inbox/use-conversation-languages.js";
import { useConsole } from "../session/console-context.js";

type Filter = "all" | "waiting" | "closed" | "today";

/** `#/inbox` and `#/inbox/ID`: the tenant's conversations, live, and the one chosen. */
export default function InboxPage({ route }: { route: string[] }) {
  const { words, locale } = useConsole();
  const inbox = useInbox();
  const [filter, setFilter] = useState<Filter>("all");
  const [language, setLanguage] = useState("");
  const [languagesWanted, setLanguagesWanted] = useState(false);
  const languages = useConversationLanguages(languagesWanted);
  const [sound, setSound] = useState(soundWanted);
  const [permission, setPermission] = useState(
    typeof Notification === "undefined" ? "denied" : Notification.permission,
  );
  const selected = route[0];
  const today = new Date().toISOString().slice(0, 10);
  const keep: Record<Filter, (c: Conversation) => boolean> = {
    all: () => true,
    waiting: (c) => c.status === "waiting_human",
    closed: (c) => c.status === "closed",
    today: (c) => c.updatedAt.startsWith(today),
  };
  const list = [...inbox.all.values()]
    .filter(keep[filter])
    .filter((c) => language === "" || languages.get(c.id) === language)
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
  useEffect(() => {
    if (selected) document.getElementById("conversation")?.focus();
  }, [selected]);

  return (
    <section aria-labelledby="inbox-title" className="inbox">
      <div className="page-head">
        <h1 id="inbox-title">{words.inboxTitle}</h1>
        <output className={inbox.connected ? "live on" : "live"}>
          {inbox.connected ? words.live : words.reconnecting}
        </output>
        {permission === "default" && (
          <button
            type="button"
            className="secondary"
            onClick={() => void Notification.requestPermission().then(setPermission)}
          >
            {words.notifyEnable}
          </button>
        )}
      </div>
      <fieldset className="filters">
        <legend className="sr-only">{words.status}</legend>
        {(
          [
            ["all", words.filterAll],
            ["waiting", `${words.filterNeedsPerson} (${inbox.waiting})`],
            ["today", words.filterToday],
            ["closed", words.filterClosed],
          ] as const
        ).map(([value, label]) => (
          <button
            key={value}
            type="button"
            className="chip"
            aria-pressed={filter === value}
            onClick={() => setFilter(value)}
          >
            {label}
          </button>
        ))}
        <span className="picker">
          <label htmlFor="inbox-language">{words.inboxExtras.language}</label>
          <select
            id="inbox-language"
            value={language}
            onFocus={() => setLanguagesWanted(true)}
            onChange={(e) => {
              setLanguagesWanted(true);
              setLanguage(e.target.value);
            }}
          >
            <option value="">{words.inboxExtras.anyLanguage}</option>
            {[...new Set([...languages.values(), language].filter((l) => l !== ""))].sort().map((l) => (
              <option key={l} value={l}>
                {languageName(l, locale)}
              </option>
            ))}
          </select>
        </span>
        <label className="sound">
          <input
            type="checkbox"
            checked={sound}
            onChange={(e) => {
              setSound(e.target.checked);
              setSoundWanted(e.target.checked);
              if (e.target.checked) playChime(); // heard now, and it unlocks the later ones
            }}
          />{" "}
          {words.inboxExtras.sound}
        </label>
      </fieldset>
      <div className={selected ? "inbox-grid has-selection" : "inbox-grid"}>
        <ul className="conversations" aria-label={words.inboxTitle}>
          {list.length === 0 && <li className="muted">{words.noConversations}</li>}
          {list.map((c) => (
            <li key={c.id} className={`conversation-item ${c.status}`}>
              <a href={`#/inbox/${c.id}`} aria-current={c.id === selected ? "true" : undefined}>
                <span className="who">{customerLabel(c.externalUserId, words)}</span>
                <span className={`status-pill ${c.status}`}>{words.statusNames[c.status]}</span>
                <time dateTime={c.updatedAt}>{new Date(c.updatedAt).toLocaleString(locale)}</time>
              </a>
            </li>
          ))}
        </ul>
        <div id="conversation" tabIndex={-1} className="conversation-pane">
          {selected ? (
            <ConversationView id={selected} />
          ) : (
            <p className="muted">{words.chooseConversation}</p>
          )}
        </div>
      </div>
    </section>
  );
}

/** "español", "English": a language's own name, in the console's language. */
function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}
