import { type FormEvent, useState } from "react";
import type { Agent } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { Field } from "../ui/field.js";

/**
 * The sites an agent's widget may be used from (`widget.origins`), saved into
 * its spec at once (no restart): read with its version, saved with `If-Match`
 * so that an owner editing the agent meanwhile is not overwritten. The server
 * checks each origin (the same schema) and names the one at fault.
 */
export function OriginsEditor({
  name,
  origins,
  onSaved,
}: {
  name: string;
  origins: string[];
  onSaved(): void;
}) {
  const { api, words } = useConsole();
  const [text, setText] = useState(origins.join("\n"));
  const [status, setStatus] = useState<{ error?: string; saved?: boolean }>({});
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setStatus({});
    const path = `/api/agents/${encodeURIComponent(name)}`;
    try {
      const { body, headers } = await api.send<Agent>("GET", path);
      const wanted = text
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "");
      const spec = { ...body.spec, widget: { ...body.spec.widget, origins: wanted } };
      await api.send<Agent>("PUT", path, spec, { "if-match": headers.get("etag") ?? "" });
      setStatus({ saved: true });
      onSaved();
    } catch (error) {
      setStatus({ error: (error as Error).message });
    }
  };
  return (
    <form onSubmit={save}>
      <Field
        label={words.widgetOrigins}
        help={words.widgetOriginsHelp}
        errors={status.error ? [status.error] : []}
      >
        {(a) => (
          <textarea
            {...a}
            rows={3}
            spellCheck={false}
            placeholder="https://"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="secondary">
          {words.saveOrigins}
        </button>
        <span aria-live="polite" className="muted">
          {status.saved ? words.saved : ""}
        </span>
      </div>
    </form>
  );
}
