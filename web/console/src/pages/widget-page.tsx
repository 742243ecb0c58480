import { useState } from "react";
import type { Agent, ApiKey } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { AgentPicker } from "../ui/agent-picker.js";
import { useLoad } from "../ui/use-load.js";
import { OriginsEditor } from "../widget/origins-editor.js";

/**
 * `#/widget/NAME`: the tag that puts the agent on the business's site, with a
 * chat key made here (its secret is shown once, so the snippet is complete
 * only right after), and a live preview of the real widget in a frame.
 */
export default function WidgetPage({ route }: { route: string[] }) {
  const { api, words } = useConsole();
  const name = route[0];
  const agent = useLoad(
    () => (name ? api.get<Agent>(`/api/agents/${encodeURIComponent(name)}`) : Promise.resolve(undefined)),
    [api, name],
  );
  const [secret, setSecret] = useState<string>();
  const [copied, setCopied] = useState(false);
  const spec = agent.data?.spec;
  const snippet = name
    ? `<script src="${window.location.origin}/widget.js" data-agent="${name}" data-key="${secret ?? "CHAT_KEY"}"${
        spec?.displayName ? ` data-title="${spec.displayName.replace(/"/g, "&quot;")}"` : ""
      } async></script>`
    : "";
  const makeKey = async () => {
    const made = await api.post<{ key: ApiKey; secret: string }>("/api/keys", {
      name: `web widget: ${name}`,
      scopes: ["chat"],
    });
    setSecret(made.secret);
  };
  const copy = async () => {
    await navigator.clipboard?.writeText(snippet).catch(() => {});
    setCopied(true);
  };
  return (
    <section aria-labelledby="widget-title">
      <div className="page-head">
        <h1 id="widget-title">{words.widgetTitle}</h1>
        <AgentPicker page="widget" current={name} />
      </div>
      {spec && !spec.widget?.enabled && (
        <p className="notice">
          {words.widgetDisabled} <a href={`#/agents/${encodeURIComponent(name ?? "")}`}>{words.edit}</a>
        </p>
      )}
      {name && (
        <>
          <p className="help">{words.widgetHelp}</p>
          {!secret && (
            <button type="button" onClick={() => void makeKey()}>
              {words.makeChatKey}
            </button>
          )}
          {secret && <p className="notice">{words.chatKeyShownOnce}</p>}
          <label htmlFor="snippet">{words.widgetTitle}</label>
          <textarea id="snippet" className="code" readOnly rows={3} value={snippet} />
          <button type="button" className="secondary" onClick={() => void copy()}>
            {copied ? words.copied : words.copy}
          </button>
          {spec && (
            <OriginsEditor
              key={name}
              name={name}
              origins={spec.widget?.origins ?? []}
              onSaved={agent.reload}
            />
          )}
          {secret && spec?.widget?.enabled && (
            <>
              <h2>{words.preview}</h2>
              <iframe
                className="preview"
                title={words.preview}
                srcDoc={`<!doctype html><html lang="${spec.languages?.[0] ?? "en"}"><body style="font-family:sans-serif">${snippet}</body></html>`}
              />
            </>
          )}
        </>
      )}
    </section>
  );
}
