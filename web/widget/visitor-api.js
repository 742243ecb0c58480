/**
 * The widget's calls to the server, as one visitor. The chat key opens a
 * *visitor session* (`POST /api/visitor-sessions`): a short-lived token bound
 * to this agent and this visitor. The token is kept in localStorage and
 * renewed before it expires by opening a session with it as `resume`, so the
 * visitor (and their conversation) survives reloads; every other call carries
 * it. Failures reject with an Error whose message is the server's.
 */
export function createVisitorApi(config) {
  const storageKey = `alambique:session:${config.agent}`;
  /** `{ token, expiresAt }`, opened on first use and renewed before it expires. */
  let session = null;
  let opening = null;

  /** Opens (or renews) the session; resolves with the server's answer: agent, widget settings, conversation. */
  async function openSession() {
    const earlier = readStored();
    const response = await fetch(`${config.base}/api/visitor-sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${config.key}`, "content-type": "application/json" },
      body: JSON.stringify({
        agent: config.agent,
        language: config.language,
        ...(earlier ? { resume: earlier } : {}),
      }),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok || !body) throw new Error(body?.error?.message || `HTTP ${response.status}`);
    writeStored(body.token);
    session = { token: body.token, expiresAt: Date.parse(body.expiresAt) };
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
      fetch(`${config.base}${path}`, {
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

  async function json(path, init) {
    const response = await call(path, init);
    const body = await response.json().catch(() => null);
    if (!response.ok || !body) throw new Error(body?.error?.message || `HTTP ${response.status}`);
    return body;
  }

  return {
    openSession,
    /** The visitor's conversation as the customer sees it: `{ conversation, messages }`. */
    current: () => json("/api/visitor-sessions/current"),
    /** Rates an answer `up`, `down` or null (takes the rating back). */
    rate: (id, rating) =>
      json(`/api/visitor-sessions/current/messages/${encodeURIComponent(id)}/feedback`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ rating }),
      }),
    /**
     * Sends the visitor's message and streams the answer: `onText` gets each
     * piece as it comes. Resolves with the turn's `alambique` extension
     * (conversation, status, message id, citations), or null when none came.
     */
    async ask(message, onText) {
      const response = await call("/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: `agent:${config.agent}`,
          stream: true,
          messages: [{ role: "user", content: message }],
        }),
      });
      if (!response.ok || !response.body) {
        const body = await response.json().catch(() => null);
        throw new Error(body?.error?.message || `HTTP ${response.status}`);
      }
      return readEvents(response.body, onText);
    },
  };

  function readStored() {
    try {
      return localStorage.getItem(storageKey);
    } catch {
      return null; // Storage blocked (private mode, sandboxed frame): one session per page load.
    }
  }

  function writeStored(value) {
    try {
      localStorage.setItem(storageKey, value);
    } catch {}
  }
}

/** Server-sent events: `data: {chunk}` blocks, `: ping` comments, `data: [DONE]` at the end. */
async function readEvents(body, onText) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let extension = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return extension;
    buffered += value;
    let end = buffered.indexOf("\n\n");
    while (end >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf("\n\n");
      for (const line of event.split("\n")) {
        if (!line.startsWith("data:")) continue;
        const data = line.slice(5).trim();
        if (data === "[DONE]") return extension;
        const chunk = JSON.parse(data);
        if (chunk.error) throw new Error(chunk.error.message);
        extension = chunk.choices?.[0]?.alambique ?? extension;
        const delta = chunk.choices?.[0]?.delta?.content;
        if (delta) onText(delta);
      }
    }
  }
}
