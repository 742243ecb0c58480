import { type FormEvent, useEffect, useRef, useState } from "react";
import type { ConversationWithMessages } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { useLoad } from "../ui/use-load.js";
import { customerLabel } from "./customer-label.js";
import { useInbox } from "./inbox-context.js";

const staffKey = "alambique:console:staff";

/**
 * One conversation as staff see it: every message with the agent's trail
 * (sources, tools), and the desk's actions. It is read again whenever the
 * live stream says it changed (a customer's new message, a status).
 */
export function ConversationView({ id }: { id: string }) {
  const { api, words, locale } = useConsole();
  const inbox = useInbox();
  const change = inbox.lastChange?.id === id ? inbox.lastChange.at : 0;
  const conversation = useLoad(
    () => api.get<ConversationWithMessages>(`/api/conversations/${id}`),
    [api, id, change],
  );
  const [staff, setStaff] = useState(() => localStorage.getItem(staffKey) ?? "");
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  const [replying, setReplying] = useState(false);
  const replyBox = useRef<HTMLTextAreaElement>(null);
  const c = conversation.data;
  useEffect(() => {
    if (replying) replyBox.current?.focus();
  }, [replying]);
  if (!c) return <p className="muted">{conversation.error?.message ?? words.loading}</p>;

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      conversation.reload();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  const reply = (event: FormEvent) => {
    event.preventDefault();
    localStorage.setItem(staffKey, staff.trim());
    void act(async () => {
      await api.post(`/api/conversations/${id}/reply`, { text, staff: staff.trim() });
      setText("");
    });
  };
  const canReply = c.status !== "closed";

  return (
    <article aria-labelledby="conversation-title">
      <h2 id="conversation-title">
        {customerLabel(c.externalUserId, words)}{" "}
        <span className={`status-pill ${c.status}`}>{words.statusNames[c.status]}</span>
      </h2>
      <ol className="messages">
        {c.messages
          .filter((m) => m.role !== "system" && m.role !== "tool")
          .map((m) => {
            const meta = m.metadata as Record<string, unknown>;
            const citations = Array.isArray(meta.citations) ? (meta.citations as { uri?: string }[]) : [];
            const tools = Array.isArray(meta.toolCalls) ? (meta.toolCalls as { toolName?: string }[]) : [];
            return (
              <li key={m.id} className={`message ${m.role}`}>
                <p className="message-head">
                  <strong>
                    {m.role === "human"
                      ? String(meta.staff ?? words.roleNames.human)
                      : words.roleNames[m.role]}
                  </strong>{" "}
                  <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString(locale)}</time>
                  {m.feedback && <span className="feedback"> {m.feedback === "up" ? "👍" : "👎"}</span>}
                </p>
                <p className="message-body">{m.content}</p>
                {(citations.length > 0 || tools.length > 0) && (
                  <p className="trail">
                    {citations.length > 0 && `${words.sources}: ${citations.map((x) => x.uri).join(", ")}`}
                    {tools.length > 0 && ` · ${words.toolCalls}: ${tools.map((t) => t.toolName).join(", ")}`}
                  </p>
                )}
              </li>
            );
          })}
      </ol>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        {canReply && !replying && (
          <button type="button" onClick={() => setReplying(true)}>
            {words.takeOver}
          </button>
        )}
        {(c.status === "human" || c.status === "waiting_human") && (
          <button
            type="button"
            className="secondary"
            onClick={() => void act(() => api.post(`/api/conversations/${id}/hand-back`))}
          >
            {words.handBack}
          </button>
        )}
        {canReply && (
          <button
            type="button"
            className="secondary"
            onClick={() => void act(() => api.post(`/api/conversations/${id}/close`))}
          >
            {words.close}
          </button>
        )}
      </div>
      {canReply && replying && (
        <form className="reply" onSubmit={reply}>
          <label htmlFor="staff-name">{words.replyAs}</label>
          <input
            id="staff-name"
            required
            placeholder={words.yourName}
            value={staff}
            onChange={(e) => setStaff(e.target.value)}
          />
          <label htmlFor="reply-text">{words.replyText}</label>
          <textarea
            id="reply-text"
            ref={replyBox}
            required
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" disabled={!staff.trim() || !text.trim()}>
            {words.reply}
          </button>
        </form>
      )}
    </article>
  );
}
