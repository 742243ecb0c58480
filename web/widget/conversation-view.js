import { icon } from "./icons.js";
import { cleanStreamedAnswer, renderAnswer } from "./render-answer.js";

/**
 * The conversation as the visitor sees it, in `log`: the greeting, quick
 * replies, their messages, answers (formatted, with their sources' titles and
 * thumbs up/down), a person's replies with their name, notes (handed off,
 * back with the assistant), a typing indicator and errors. `rate(id, rating)`
 * stores a rating and resolves with the rating now.
 */
export function createConversationView({ log, words, rate }) {
  const page = location.hostname ? [location.hostname] : [];
  let settings = { linkHosts: page, showSources: true };
  /** Stored messages on screen, by id. */
  const shown = new Map();
  let typing = null;

  function add(element) {
    log.insertBefore(element, typing);
    log.scrollTop = log.scrollHeight;
    return element;
  }

  function bubble(kind) {
    const element = document.createElement("div");
    element.className = `message ${kind}`;
    return element;
  }

  function body(text) {
    const element = document.createElement("div");
    element.className = "body";
    element.appendChild(renderAnswer(text, settings.linkHosts));
    return element;
  }

  function sources(titles) {
    const element = document.createElement("div");
    element.className = "sources";
    element.textContent = `${titles.length > 1 ? words.sources : words.source}: ${titles.join(" · ")}`;
    return element;
  }

  function ratings(id, given) {
    const group = document.createElement("div");
    group.className = "rate";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", words.rate);
    const buttons = ["up", "down"].map((rating) => {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.rating = rating;
      button.setAttribute("aria-label", rating === "up" ? words.helpful : words.unhelpful);
      button.setAttribute("aria-pressed", String(given === rating));
      button.appendChild(icon(rating));
      group.appendChild(button);
      return button;
    });
    const show = (now) => {
      for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.rating === now));
    };
    for (const button of buttons) {
      button.addEventListener("click", () => {
        const pressed = button.getAttribute("aria-pressed") === "true";
        const before = buttons.find((b) => b.getAttribute("aria-pressed") === "true")?.dataset.rating ?? null;
        const next = pressed ? null : button.dataset.rating;
        show(next);
        rate(id, next).then(
          (saved) => show(saved.feedback),
          () => show(before),
        );
      });
    }
    return group;
  }

  /** Fills an answer's bubble from its stored form: text, sources, ratings. */
  function fillAnswer(element, message) {
    element.replaceChildren(body(message.content));
    if (settings.showSources && message.sources.length > 0) element.appendChild(sources(message.sources));
    element.appendChild(ratings(message.id, message.feedback));
  }

  return {
    /** `{ linkHosts, showSources }` from the session; the page's own host may always be linked. */
    configure(widget) {
      settings = { linkHosts: [...widget.linkHosts, ...page], showSources: widget.showSources };
    },
    greeting(text) {
      const element = bubble("greeting");
      element.appendChild(body(text));
      add(element);
    },
    /** Buttons that send their text; gone once the visitor writes. */
    quickReplies(texts, pick) {
      if (texts.length === 0) return;
      const group = document.createElement("div");
      group.className = "chips";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", words.suggestions);
      for (const text of texts) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = text;
        button.addEventListener("click", () => pick(text));
        group.appendChild(button);
      }
      add(group);
    },
    removeQuickReplies() {
      for (const group of log.querySelectorAll(".chips")) group.remove();
    },
    /** The visitor's own message, as typed (shown at once; its stored id is learnt at the next `show`). */
    user(text) {
      const element = bubble("user");
      element.textContent = text;
      return add(element);
    },
    /** A stored message: added once, or (an answer) brought up to date. */
    show(message) {
      const known = shown.get(message.id);
      if (message.role === "user") {
        // The bubble shown when it was typed, if it is on screen and not yet matched.
        const typed = known ?? [...log.querySelectorAll(".user:not([data-id])")][0];
        if (typed) {
          typed.dataset.id = message.id;
          shown.set(message.id, typed);
          return;
        }
      }
      if (known && message.role !== "assistant") return;
      const element = known ?? bubble(message.role);
      element.dataset.id = message.id;
      shown.set(message.id, element);
      if (message.role === "assistant") fillAnswer(element, message);
      else if (message.role === "user") element.textContent = message.content;
      else {
        const staff = document.createElement("span");
        staff.className = "staff";
        staff.textContent = message.staff || "";
        element.replaceChildren(staff, body(message.content));
      }
      if (!known) add(element);
    },
    /** An answer as it streams in; `settle(id)` files it under its stored id. */
    streamingAnswer() {
      const element = bubble("assistant");
      let text = "";
      return {
        append(piece) {
          if (!element.isConnected) add(element);
          text += piece;
          element.replaceChildren(body(cleanStreamedAnswer(text)));
          log.scrollTop = log.scrollHeight;
        },
        settle(id) {
          if (text === "" || !id) element.remove();
          else {
            element.dataset.id = id;
            shown.set(id, element);
          }
        },
      };
    },
    /** The three dots while an answer is awaited. */
    typing(on) {
      if (on && !typing) {
        typing = document.createElement("div");
        typing.className = "message assistant typing";
        const label = document.createElement("span");
        label.className = "sr-only";
        label.textContent = words.typing;
        typing.appendChild(label);
        for (let i = 0; i < 3; i++) {
          const dot = document.createElement("span");
          dot.className = "dot";
          dot.setAttribute("aria-hidden", "true");
          typing.appendChild(dot);
        }
        log.appendChild(typing);
        log.scrollTop = log.scrollHeight;
      } else if (!on && typing) {
        typing.remove();
        typing = null;
      }
    },
    /** A line about the conversation itself (not a message); after `after` when given. */
    note(text, after) {
      const element = document.createElement("div");
      element.className = "note";
      element.textContent = text;
      if (after) after.after(element);
      else add(element);
    },
    error(text) {
      const element = document.createElement("div");
      element.className = "error";
      element.setAttribute("role", "alert");
      element.textContent = text;
      add(element);
    },
    lastOf(role) {
      return [...shown.values()].filter((element) => element.classList.contains(role)).at(-1);
    },
  };
}
