/*
 * Alambique chat widget: one <script> tag puts an agent on any web page.
 *
 *   <script src="https://agents.example/widget.js" data-agent="la-espiga"
 *           data-key="alq_…" data-title="Panadería La Espiga" data-color="#8a4b14" async></script>
 *
 * The attributes are read in config.js. The page's origin must be in the
 * server's `server.corsOrigins` (and in the agent's `widget.origins` when it
 * lists any). When the panel is first opened, the widget opens the visitor's
 * session (visitor-api.js), shows the agent's greeting, quick replies before
 * the first message, and the conversation so far (read back from the server,
 * so it survives reloads). Answers stream in behind a typing indicator and
 * are then shown as the server stores them: formatted (render-answer.js),
 * with their sources' titles and thumbs up/down. After a handoff the panel
 * says a person will answer and shows their replies as they come (read every
 * few seconds), until the conversation is handed back. The panel is a modal
 * dialog: focus stays inside while open, Escape closes it. Styles live in a
 * shadow root and cannot clash with the page's. No dependencies.
 */
import { readConfig } from "./config.js";
import { createConversationView } from "./conversation-view.js";
import { trapFocus } from "./focus-trap.js";
import { icon } from "./icons.js";
import { createPanel } from "./panel.js";
import { createVisitorApi } from "./visitor-api.js";
import { wordsFor } from "./words.js";

const script = document.currentScript;
const config = script && readConfig(script);
if (config) start(config);

function start(config) {
  const words = wordsFor(config.language);
  const host = document.createElement("div");
  host.setAttribute("data-alambique-widget", config.agent);
  const ui = createPanel(host, config, words);
  const api = createVisitorApi(config);
  const view = createConversationView({ log: ui.log, words, rate: api.rate });
  /** The conversation's status (`bot`, `waiting_human`, `human`), or null before the first message. */
  let status = null;
  let polling = null;
  let started = null;

  function setOpen(open) {
    ui.panel.classList.toggle("open", open);
    ui.launcher.setAttribute("aria-expanded", String(open));
    ui.launcher.setAttribute("aria-label", open ? words.close : words.open);
    ui.launcher.replaceChildren(icon(open ? "close" : "chat"));
    if (open) {
      ui.input.focus();
      begin().catch((error) => view.error(`${words.failed}: ${error.message}`));
    } else ui.launcher.focus();
  }
  ui.launcher.addEventListener("click", () => setOpen(!ui.panel.classList.contains("open")));
  ui.close.addEventListener("click", () => setOpen(false));
  trapFocus(ui.root, ui.panel, () => setOpen(false));

  /** On first opening: the session, the greeting, then the conversation so far or the quick replies. */
  function begin() {
    started ??= (async () => {
      view.typing(true);
      try {
        const opened = await api.openSession();
        if (!config.title) ui.title.textContent = opened.agent.title;
        view.configure(opened.widget);
        if (opened.agent.greeting) view.greeting(opened.agent.greeting);
        const current = opened.conversation ? await api.current() : { conversation: null, messages: [] };
        for (const message of current.messages) view.show(message);
        if (current.messages.length === 0) view.quickReplies(opened.widget.quickReplies, ask);
        // Handed back earlier: say so after the person's last reply.
        const person = view.lastOf("human");
        if (current.conversation?.status === "bot" && person) view.note(words.handedBack, person);
        setStatus(current.conversation?.status ?? null);
      } finally {
        view.typing(false);
      }
    })().catch((error) => {
      started = null;
      throw error;
    });
    return started;
  }

  /** Shows what the conversation's status means for the visitor, and notes a change. */
  function setStatus(next) {
    const before = status;
    status = next;
    const withPerson = next === "waiting_human" || next === "human";
    ui.status.classList.toggle("shown", withPerson);
    ui.statusText.textContent = next === "human" ? words.personAnswering : withPerson ? words.handedOff : "";
    const hadPerson = before === "waiting_human" || before === "human";
    if (hadPerson && next === "bot") view.note(words.handedBack);
    if (hadPerson && next === null) view.note(words.closed);
    if (withPerson && !polling) polling = setInterval(() => void sync().catch(() => {}), config.pollMs);
    if (!withPerson && polling) {
      clearInterval(polling);
      polling = null;
    }
  }

  /** Reads the conversation back: stored answers replace streamed ones, a person's replies appear. */
  async function sync() {
    const current = await api.current();
    for (const message of current.messages) view.show(message);
    setStatus(current.conversation?.status ?? null);
  }

  async function ask(message) {
    view.removeQuickReplies();
    ui.send.disabled = true;
    let typed = null;
    try {
      await begin();
      typed = view.user(message);
      view.typing(true);
      const answer = view.streamingAnswer();
      const turn = await api.ask(message, (piece) => {
        view.typing(false);
        answer.append(piece);
      });
      answer.settle(turn?.message_id);
      await sync();
    } catch (error) {
      // Never matched to a stored message (see conversation-view.js): it was not stored.
      (typed ?? view.user(message)).dataset.id = "unsent";
      view.error(`${words.failed}: ${error.message}`);
    } finally {
      view.typing(false);
      ui.send.disabled = false;
      ui.input.focus();
    }
  }

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = ui.input.value.trim();
    if (!message || ui.send.disabled) return;
    ui.input.value = "";
    void ask(message);
  });
  ui.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      ui.form.requestSubmit();
    }
  });
  document.body.appendChild(host);
}
