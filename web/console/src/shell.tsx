import { lazy, type ReactNode, Suspense, useEffect, useState } from "react";
import { playChime, soundWanted } from "./inbox/chime.js";
import { customerLabel } from "./inbox/customer-label.js";
import { InboxContext } from "./inbox/inbox-context.js";
import { useLiveConversations } from "./inbox/use-live-conversations.js";
import { ConsoleContext, type ConsoleContextValue } from "./session/console-context.js";
import { useHashRoute } from "./ui/use-hash-route.js";

// Each page is its own chunk: the first load is the shell and the page it opens on.
const pages = {
  agents: lazy(() => import("./pages/agents-page.js")),
  knowledge: lazy(() => import("./pages/knowledge-page.js")),
  playground: lazy(() => import("./pages/playground-page.js")),
  inbox: lazy(() => import("./pages/inbox-page.js")),
  widget: lazy(() => import("./pages/widget-page.js")),
  models: lazy(() => import("./pages/models-page.js")),
  distill: lazy(() => import("./pages/distill-page.js")),
  usage: lazy(() => import("./pages/usage-page.js")),
};
type PageName = keyof typeof pages;

/** The signed-in console: navigation, the live inbox state, and the page the address names. */
export function Shell(props: {
  context: ConsoleContextValue;
  chooser: ReactNode;
  onSignOut(): void;
  /** The key was refused while signed in (revoked): back to sign-in, saying so. */
  onRevoked(): void;
}) {
  const { words, tenant, api } = props.context;
  const route = useHashRoute();
  const name: PageName = route[0] && route[0] in pages ? (route[0] as PageName) : "agents";
  const Page = pages[name];
  const [menuOpen, setMenuOpen] = useState(false);
  const inbox = useLiveConversations(
    api.key,
    props.onRevoked,
    (conversation) => {
      if (soundWanted()) playChime();
      if (typeof Notification !== "undefined" && Notification.permission === "granted") {
        new Notification(words.notifyTitle, {
          body: customerLabel(conversation.externalUserId, words),
          tag: conversation.id,
        });
      }
    },
    // A customer waiting for a person already chimed; a new conversation chimes once.
    (conversation) => {
      if (soundWanted() && conversation.status !== "waiting_human") playChime();
    },
  );
  useEffect(() => {
    document.title = `${inbox.waiting > 0 ? `(${inbox.waiting}) ` : ""}${words.appName} · ${words.nav[name]}`;
  }, [inbox.waiting, name, words]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the phone menu closes when the page changes
  useEffect(() => setMenuOpen(false), [name]);

  return (
    <ConsoleContext.Provider value={props.context}>
      <InboxContext.Provider value={inbox}>
        <div className="shell">
          <header className="topbar">
            <button
              type="button"
              className="menu-button"
              aria-expanded={menuOpen}
              aria-controls="main-nav"
              onClick={() => setMenuOpen(!menuOpen)}
            >
              {words.menu}
              {inbox.waiting > 0 && <span className="badge">{inbox.waiting}</span>}
            </button>
            <p className="brand">
              {words.appName} <span className="tenant">· {tenant.name}</span>
            </p>
            <div className="topbar-end">
              {props.chooser}
              <button type="button" className="secondary" onClick={props.onSignOut}>
                {words.signOut}
              </button>
            </div>
          </header>
          <nav id="main-nav" className={menuOpen ? "nav open" : "nav"} aria-label={words.console}>
            <ul>
              {(Object.keys(pages) as PageName[]).map((page) => (
                <li key={page}>
                  <a href={`#/${page}`} aria-current={page === name ? "page" : undefined}>
                    {words.nav[page]}
                    {page === "inbox" && inbox.waiting > 0 && (
                      <span className="badge">
                        {inbox.waiting}
                        <span className="sr-only"> {words.filterNeedsPerson}</span>
                      </span>
                    )}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <main className="page" id="page">
            <Suspense fallback={<p className="muted">{words.loading}</p>}>
              <Page route={route.slice(1)} />
            </Suspense>
          </main>
        </div>
      </InboxContext.Provider>
    </ConsoleContext.Provider>
  );
}
