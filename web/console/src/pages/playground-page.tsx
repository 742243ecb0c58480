import { type FormEvent, useState } from "react";
import type { AgentTurnExtension, ConversationWithMessages, Message } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { AgentPicker } from "../ui/agent-picker.js";

interface Turn {
  question: string;
  answer?: string;
  error?: string;
  turn?: AgentTurnExtension;
  message?: Message;
  /** Round trip as the owner waited for it, in ms. */
  waitedMs?: number;
}

const newUser = () => `console-playground:${crypto.randomUUID()}`;

/**
 * `#/playground/NAME`: the agent's real turn (`/v1/chat/completions`,
 * `agent:NAME`, a `user` of its own, so the conversation continues), with the
 * owner's view beside each answer, read back from the stored message: sources,
 * tool calls, mode, handoff, time.
 */
export default function PlaygroundPage({ route }: { route: string[] }) {
  const { api, words } = useConsole();
  const name = route[0];
  const [user, setUser] = useState(newUser);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);

  const ask = async (event: FormEvent) => {
    event.preventDefault();
    const question = text.trim();
    if (!question || !name) return;
    setText("");
    setBusy(true);
    const index = turns.length;
    setTurns((all) => [...all, { question }]);
    const update = (patch: Partial<Turn>) =>
      setTurns((all) => all.map((t, i) => (i === index ? { ...t, ...patch } : t)));
    const started = performance.now();
    try {
      const completion = await api.post<{
        choices: { message: { content: string | null }; alambique?: AgentTurnExtension }[];
      }>("/v1/chat/completions", {
        model: `agent:${name}`,
        user,
        messages: [{ role: "user", content: question }],
      });
      const choice = completion.choices[0];
      update({
        answer: choice?.message.content ?? "",
        turn: choice?.alambique,
        waitedMs: performance.now() - started,
      });
      const id = choice?.alambique?.conversation_id;
      if (id) {
        const conversation = await api.get<ConversationWithMessages>(`/api/conversations/${id}`);
        update({ message: conversation.messages.find((m) => m.id === choice?.alambique?.message_id) });
      }
    } catch (error) {
      update({ error: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="playground-title">
      <div className="page-head">
        <h1 id="playground-title">{words.playgroundTitle}</h1>
        <AgentPicker page="playground" current={name} />
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setUser(newUser());
            setTurns([]);
          }}
        >
          {words.newConversation}
        </button>
      </div>
      <p className="help">{words.playgroundHelp}</p>
      <ol className="playground" aria-live="polite">
        {turns.map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: turns are only appended
          <li key={i} className="turn">
            <p className="bubble user">{t.question}</p>
            {t.error && <p className="error">{t.error}</p>}
            {t.answer !== undefined && (
              <div className="answer-row">
                <p className="bubble assistant">{t.answer || "—"}</p>
                <TurnDetails turn={t} />
              </div>
            )}
          </li>
        ))}
      </ol>
      {name && (
        <form className="composer" onSubmit={ask}>
          <label htmlFor="playground-input" className="sr-only">
            {words.yourMessage}
          </label>
          <input
            id="playground-input"
            value={text}
            placeholder={words.yourMessage}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" disabled={busy || text.trim() === ""}>
            {words.send}
          </button>
        </form>
      )}
    </section>
  );
}

function TurnDetails({ turn }: { turn: Turn }) {
  const { words } = useConsole();
  const meta = turn.message?.metadata ?? {};
  const toolCalls = Array.isArray(meta.toolCalls) ? (meta.toolCalls as Record<string, unknown>[]) : [];
  const citations = turn.turn?.citations ?? [];
  const handedOff = turn.turn?.mode === "handoff" || turn.turn?.status === "waiting_human";
  const serverMs = typeof meta.latencyMs === "number" ? meta.latencyMs : undefined;
  return (
    <dl className="details">
      <dt>{words.latency}</dt>
      <dd>
        {Math.round(turn.waitedMs ?? 0)} ms{serverMs !== undefined ? ` (${words.agent}: ${serverMs} ms)` : ""}
      </dd>
      <dt>{words.mode}</dt>
      <dd>{turn.turn?.mode ?? "—"}</dd>
      <dt>{words.handoff}</dt>
      <dd className={handedOff ? "flag" : undefined}>{handedOff ? words.handedOff : words.noHandoff}</dd>
      <dt>{words.sources}</dt>
      <dd>{citations.length ? citations.map((c) => `[${c.id}] ${c.uri}`).join(", ") : "—"}</dd>
      <dt>{words.toolCalls}</dt>
      <dd>
        {toolCalls.length
          ? toolCalls.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a turn's calls in order
              <code key={i}>
                {String(c.toolName ?? c.name ?? "tool")}({JSON.stringify(c.input ?? c.args ?? {})})
              </code>
            ))
          : "—"}
      </dd>
    </dl>
  );
}
