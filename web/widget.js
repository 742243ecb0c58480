/*
 * Alambique chat widget: one <script> tag puts an agent on any web page.
 *
 *   <script src="https://agents.example/widget.js" data-agent="la-espiga"
 *           data-key="alq_…" data-title="Panadería La Espiga" async></script>
 *
 * data-agent  the agent's name (required)
 * data-key    a `chat` API key (required): public by design, it can only open
 *             visitor sessions, so it may sit in the page's source
 * data-title  the panel's title (default: the agent's title)
 * data-lang   the interface language, es or en (default: the page's, else en)
 * data-poll-ms  how often to look for a person's replies after a handoff (default 4000)
 *
 * The page's origin must be in the server's `server.corsOrigins` (and in the
 * agent's `widget.origins` when it lists any). When the panel is first opened,
 * the chat key opens a *visitor session* (`POST /api/visitor-sessions`): a
 * short-lived token bound to this agent and to one visitor, so it reads and
 * writes this visitor's conversation and nothing else. The token is kept in
 * localStorage and renewed before it expires (`resume`), so the conversation
 * and its history survive reloads. Only the new message is sent each time;
 * answers stream in as server-sent events. When the agent hands the
 * conversation to a person, the widget reads the conversation every few
 * seconds and shows the person's replies, until it is handed back or closed.
 * Everything is shown as text (never as HTML). Styles live in a shadow root
 * and cannot clash with the page's. No dependencies.
 */
(() => {
  const script = document.currentScript;
  if (!script) return;
  const agent = script.dataset.agent;
  const key = script.dataset.key;
  if (!agent || !key) {
    console.error("alambique widget: data-agent and data-key are required");
    return;
  }
  const base = new URL(script.src).origin;
  const pageLang = (script.dataset.lang || document.documentElement.lang || "en").slice(0, 2);
  const text = {
    es: {
      open: "Abrir el chat",
      close: "Cerrar el chat",
      placeholder: "Escribe tu mensaje…",
      send: "Enviar",
      failed: "No se pudo enviar el mensaje",
    },
    en: {
      open: "Open the chat",
      close: "Close the chat",
      placeholder: "Type your message…",
      send: "Send",
      failed: "The message could not be sent",
    },
  }[pageLang === "es" ? "es" : "en"];

  const storageKey = `alambique:session:${agent}`;
  const stored = {
    get() {
      try {
        return localStorage.getItem(storageKey);
      } catch {
        return null; // Storage blocked (private mode, sandboxed frame): one session per page load.
      }
    },
    set(token) {
      try {
        localStorage.setItem(storageKey, token);
      } catch {}
    },
  };

  const host = document.createElement("div");
  host.setAttribute("data-alambique-widget", agent);
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `
    <style>
      :host { all: initial; }
      .launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%;
        border: none; background: #8a4b14; color: #fff; font: 24px/1 system-ui, sans-serif; cursor: pointer;
        box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 2147483000; }
      .panel { position: fixed; right: 20px; bottom: 88px; width: min(360px, calc(100vw - 40px));
        height: min(520px, calc(100vh - 120px)); display: none; flex-direction: column; background: #fff;
        color: #222; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.3); overflow: hidden;
        font: 14px/1.4 system-ui, sans-serif; z-index: 2147483000; }
      .panel.open { display: flex; }
      header { padding: 12px 16px; background: #8a4b14; color: #fff; font-weight: 600; }
      .log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
      .message { max-width: 85%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; }
      .user { align-self: flex-end; background: #f3e3d3; }
      .assistant, .greeting { align-self: flex-start; background: #f1f1f1; }
      .human { align-self: flex-start; background: #e3efe3; }
      .staff { display: block; font-size: 12px; color: #555; }
      .error { align-self: center; color: #a00; font-size: 13px; }
      form { display: flex; gap: 8px; padding: 8px; border-top: 1px solid #eee; }
      textarea { flex: 1; resize: none; height: 40px; padding: 8px; border: 1px solid #ccc; border-radius: 8px;
        font: inherit; }
      button.send { border: none; border-radius: 8px; padding: 0 14px; background: #8a4b14; color: #fff;
        font: inherit; cursor: pointer; }
      button.send:disabled { opacity: .5; cursor: default; }
    </style>
    <button class="launcher" type="button" aria-expanded="false" aria-controls="panel">💬</button>
    <section class="panel" id="panel" role="dialog">
      <header></header>
      <div class="log" role="log" aria-live="polite"></div>
      <form>
        <textarea rows="1" required></textarea>
        <button class="send" type="submit"></button>
      </form>
    </section>`;
  const launcher = root.querySelector(".launcher");
  const panel = root.querySelector(".panel");
  const log = root.querySelector(".log");
  const form = root.querySelector("form");
  const input = root.querySelector("textarea");
  const send = root.querySelector("button.send");
  const title = script.dataset.title || agent;
  root.querySelector("header").textContent = title;
  panel.setAttribute("aria-label", title);
  launcher.setAttribute("aria-label", text.open);
  input.placeholder = text.placeholder;
  input.setAttribute("aria-label", text.placeholder);
  send.textContent = text.send;

  launcher.addEventListener("click", () => {
    const open = panel.classList.toggle("open");
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? text.close : text.open);
    if (open) {
      input.focus();
      start().catch((error) => showError(error.message));
    }
  });

  /** A message bubble; text only (textContent), so nothing an answer contains is run as HTML. */
  function bubble(kind, content) {
    const element = document.createElement("div");
    element.className = `message ${kind}`;
    element.textContent = content;
    log.appendChild(element);
    log.scrollTop = log.scrollHeight;
    return element;
  }

  function showError(message) {
    const element = document.createElement("div");
    element.className = "error";
    element.textContent = `${text.failed}: ${message}`;
    log.appendChild(element);
  }

  /** The conversation, once the server has said which (`alambique` on the stream's last chunk). */
  let conversation = null;
  const shown = new Set();
  const pollMs = Number(script.dataset.pollMs) || 4000;
  let polling = null;

  /** The visitor's session: `{ token, expiresAt }`, opened on first use and renewed before it expires. */
  let session = null;
  let opening = null;

  async function openSession() {
    const earlier = stored.get();
    const response = await fetch(`${base}/api/visitor-sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ agent, language: pageLang, ...(earlier ? { resume: earlier } : {}) }),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok || !body) throw new Error(body?.error?.message || `HTTP ${response.status}`);
    stored.set(body.token);
    session = { token: body.token, expiresAt: Date.parse(body.expiresAt) };
    if (!script.dataset.title) root.querySelector("header").textContent = body.agent.title;
    return body;
  }

  /** A valid token: the session's, renewed when less than a minute is left. */
  async function token() {
    if (!session || session.expiresAt - Date.now() < 60_000) {
      opening ??= openSession().finally(() => {
        opening = null;
      });
      await opening;
    }
    return session.token;
  }

  /** Calls the server with the visitor's token; once more with a new one if it was refused (expired). */
  async function call(path, init = {}) {
    const send = async () =>
      fetch(`${base}${path}`, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${await token()}` },
      });
    let response = await send();
    if (response.status === 401) {
      session = null;
      response = await send();
    }
    return response;
  }

  /** On first opening: the session, then the conversation so far (or the agent's greeting). */
  let started = null;
  function start() {
    started ??= (async () => {
      const opened = await openSession();
      if (opened.conversation) {
        conversation = opened.conversation;
        const response = await call("/api/visitor-sessions/current");
        if (response.ok) {
          const body = await response.json();
          for (const message of body.messages) show(message);
          if (body.conversation) conversation = body.conversation;
        }
        if (conversation.status === "waiting_human" || conversation.status === "human") watch();
      }
      // Its own class: a greeting is not an answer (and is not stored).
      if (log.childElementCount === 0 && opened.agent.greeting) bubble("greeting", opened.agent.greeting);
    })().catch((error) => {
      started = null;
      throw error;
    });
    return started;
  }

  /** A stored message, once. */
  function show(message) {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    const element = bubble(message.role, "");
    if (message.role === "human" && message.staff) {
      const staff = document.createElement("span");
      staff.className = "staff";
      staff.textContent = message.staff;
      element.appendChild(staff);
    }
    element.appendChild(document.createTextNode(message.content));
  }

  async function ask(message) {
    bubble("user", message);
    const answer = bubble("assistant", "");
    try {
      await stream(answer, message);
    } finally {
      // No text: a person has the conversation (the agent stays silent), or the call failed.
      if (answer.textContent === "") answer.remove();
    }
    if (conversation && (conversation.status === "waiting_human" || conversation.status === "human")) watch();
  }

  /** After a handoff: show each reply a person writes, until the conversation is the agent's again or closed. */
  function watch() {
    if (polling) return;
    const poll = async () => {
      const response = await call("/api/visitor-sessions/current");
      if (!response.ok) return;
      const body = await response.json();
      for (const message of body.messages) if (message.role === "human") show(message);
      const status = body.conversation?.status;
      if (!status || status === "bot" || status === "closed") {
        clearInterval(polling);
        polling = null;
      }
    };
    polling = setInterval(() => void poll().catch(() => {}), pollMs);
  }

  async function stream(answer, message) {
    const response = await call("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: `agent:${agent}`,
        stream: true,
        messages: [{ role: "user", content: message }],
      }),
    });
    if (!response.ok || !response.body) {
      const body = await response.json().catch(() => null);
      throw new Error(body?.error?.message || `HTTP ${response.status}`);
    }
    // Server-sent events: `data: {chunk}` blocks, `: ping` comments, `data: [DONE]` at the end.
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += value;
      let end = buffered.indexOf("\n\n");
      while (end >= 0) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf("\n\n");
        for (const line of event.split("\n")) {
          if (!line.startsWith("data:")) continue;
          const data = line.slice(5).trim();
          if (data === "[DONE]") return;
          const chunk = JSON.parse(data);
          if (chunk.error) throw new Error(chunk.error.message);
          const extension = chunk.choices?.[0]?.alambique;
          if (extension?.conversation_id)
            conversation = { id: extension.conversation_id, status: extension.status };
          if (extension?.message_id) shown.add(extension.message_id);
          const delta = chunk.choices?.[0]?.delta?.content;
          if (delta) {
            answer.textContent += delta;
            log.scrollTop = log.scrollHeight;
          }
        }
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message || send.disabled) return;
    input.value = "";
    send.disabled = true;
    start()
      .then(() => ask(message))
      .catch((error) => showError(error.message))
      .finally(() => {
        send.disabled = false;
        input.focus();
      });
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.body.appendChild(host);
})();
