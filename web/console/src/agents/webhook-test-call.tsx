import { useState } from "react";
import type { ToolTest } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";
import { Field } from "../ui/field.js";

/** Most characters of an answer shown here (the agent reads up to the webhook's `maxResponseBytes`). */
const shownChars = 20_000;

/**
 * A webhook's "test call" in the agent's form: the tool as the form holds it
 * (saved or not) and sample arguments go to `POST /api/agents/:name/tools/test`,
 * which calls it once as the agent would, under the same rules; shown here:
 * the status, the time, and what the agent would read, or the failure and
 * its hint. Needs a saved agent (the route is one agent's) and a webhook
 * without problems (`blocked`). A refusal (a private host for a tenant, a
 * definition the server rejects) is shown as the server words it.
 */
export function WebhookTestCall(props: {
  agent: string | undefined;
  tool: Record<string, unknown>;
  blocked: boolean;
}) {
  const { api, words } = useConsole();
  const w = words.toolTest;
  const [argsText, setArgsText] = useState("{}");
  const [argsError, setArgsError] = useState<string>();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ToolTest>();
  const [refused, setRefused] = useState<string>();
  const method = typeof props.tool.method === "string" ? props.tool.method : "POST";
  const why = props.agent === undefined ? w.saveFirst : props.blocked ? w.fixFirst : undefined;

  const run = async (agent: string) => {
    let args: unknown;
    try {
      args = JSON.parse(argsText);
    } catch (error) {
      setArgsError(`${words.tools.notJson}: ${(error as Error).message}`);
      return;
    }
    setRunning(true);
    setResult(undefined);
    setRefused(undefined);
    try {
      setResult(
        await api.post<ToolTest>(`/api/agents/${encodeURIComponent(agent)}/tools/test`, {
          tool: props.tool,
          arguments: args,
        }),
      );
    } catch (error) {
      setRefused((error as Error).message);
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="test-call">
      <Field label={w.arguments} help={w.argumentsHelp} errors={argsError ? [argsError] : []}>
        {(a) => (
          <textarea
            {...a}
            className="code"
            rows={2}
            spellCheck={false}
            value={argsText}
            onChange={(e) => {
              setArgsText(e.target.value);
              try {
                JSON.parse(e.target.value);
                setArgsError(undefined);
              } catch (error) {
                setArgsError(`${words.tools.notJson}: ${(error as Error).message}`);
              }
            }}
          />
        )}
      </Field>
      {(why !== undefined || method !== "GET") && <p className="muted">{why ?? w.realRequest(method)}</p>}
      <button
        type="button"
        className="secondary"
        disabled={why !== undefined || argsError !== undefined || running}
        onClick={() => props.agent !== undefined && void run(props.agent)}
      >
        {running ? w.running : w.run}
      </button>
      <div aria-live="polite">
        {result && <Outcome result={result} />}
        {refused && (
          <p role="alert" className="error">
            {refused}
          </p>
        )}
      </div>
    </div>
  );
}

function Outcome({ result }: { result: ToolTest }) {
  const { words } = useConsole();
  const w = words.toolTest;
  const { answer, error } = result;
  const shown = answer
    ? answer.data !== undefined
      ? JSON.stringify(answer.data, null, 2)
      : (answer.text ?? answer.note ?? "")
    : "";
  return (
    <div className={`test-outcome ${result.ok ? "notice" : "conflict"}`}>
      <p>
        <strong>
          {result.ok && result.status !== null
            ? w.answered(result.status, result.latencyMs)
            : w.failed(error?.code ?? "?", result.latencyMs)}
        </strong>
      </p>
      {error && <p className="error">{error.message}</p>}
      {error?.issues && (
        <ul className="field-errors">
          {error.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path || "(arguments)"}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
      {error?.hint && (
        <p>
          {w.hint}: {error.hint}
        </p>
      )}
      {shown !== "" && (
        <pre className="code">{shown.length > shownChars ? `${shown.slice(0, shownChars)}…` : shown}</pre>
      )}
      {answer?.truncated && <p className="muted">{w.cut}</p>}
    </div>
  );
}
