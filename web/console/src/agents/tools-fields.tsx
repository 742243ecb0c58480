import { useState } from "react";
import type { Words } from "../i18n/words.js";
import { Field } from "../ui/field.js";
import { issuesAt, type SpecIssues } from "./spec-issues.js";
import { WebhookTestCall } from "./webhook-test-call.js";

const builtins = ["search_knowledge", "handoff_to_human", "create_ticket", "business_hours"] as const;
type Tool = Record<string, unknown> & { type?: unknown; name?: unknown };
const methods = ["POST", "GET", "PUT", "PATCH", "DELETE"];

/**
 * The agent's tools: the built-in ones as checkboxes, webhooks as small forms
 * (each problem on its field, `tools.2.url`), MCP servers listed (they are
 * edited in the YAML view: their transports have too many shapes for a form).
 * Keeps the spec's order of tools. Each webhook has a "test call" once the
 * agent is saved (`agent`: its name; undefined while it is new).
 */
export function ToolsFields(props: {
  agent: string | undefined;
  tools: unknown;
  issues: SpecIssues;
  words: Words;
  onChange(tools: Tool[]): void;
}) {
  const { issues, words } = props;
  const w = words.tools;
  const tools: Tool[] = Array.isArray(props.tools) ? (props.tools as Tool[]) : [];
  const has = (name: string) => tools.some((t) => t.type === "builtin" && t.name === name);
  const toggle = (name: string, on: boolean) =>
    props.onChange(
      on
        ? [...tools, { type: "builtin", name }]
        : tools.filter((t) => !(t.type === "builtin" && t.name === name)),
    );
  const replace = (index: number, tool: Tool | undefined) =>
    props.onChange(
      tool ? tools.map((t, i) => (i === index ? tool : t)) : tools.filter((_, i) => i !== index),
    );
  // Problems not on a webhook's own field (a duplicate built-in, an MCP server's): shown under the list.
  const looseErrors = [...issues]
    .filter(([path]) => {
      const [head, index] = path.split(".");
      return head === "tools" && (index === undefined || tools[Number(index)]?.type !== "webhook");
    })
    .flatMap(([path, messages]) => messages.map((m) => `${path}: ${m}`));
  const toolErrors = issuesAt(issues, "tools").length;
  return (
    <fieldset className={toolErrors ? "tools invalid" : "tools"}>
      <legend>{w.title}</legend>
      {builtins.map((name) => (
        <div className="field checkbox" key={name}>
          <label>
            <input type="checkbox" checked={has(name)} onChange={(e) => toggle(name, e.target.checked)} />{" "}
            {w.builtin[name]}
          </label>
        </div>
      ))}
      {tools.map((tool, index) =>
        tool.type === "webhook" ? (
          <WebhookFields
            // biome-ignore lint/suspicious/noArrayIndexKey: a tool's place in the spec is its identity here
            key={index}
            agent={props.agent}
            tool={tool}
            path={`tools.${index}`}
            issues={issues}
            words={words}
            onChange={(next) => replace(index, next)}
          />
        ) : tool.type === "mcp" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above
          <p className="muted" key={index}>
            {w.mcp(String(tool.name ?? "?"))}
          </p>
        ) : null,
      )}
      {looseErrors.length > 0 && (
        <ul className="field-errors">
          {looseErrors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="secondary"
        onClick={() =>
          props.onChange([
            ...tools,
            {
              type: "webhook",
              name: "",
              description: "",
              url: "https://",
              method: "POST",
              inputSchema: { type: "object", properties: {} },
            },
          ])
        }
      >
        {w.addWebhook}
      </button>
    </fieldset>
  );
}

function WebhookFields(props: {
  agent: string | undefined;
  tool: Tool;
  path: string;
  issues: SpecIssues;
  words: Words;
  onChange(tool: Tool | undefined): void;
}) {
  const { tool, path, issues, words } = props;
  const w = words.tools;
  const [schemaText, setSchemaText] = useState(JSON.stringify(tool.inputSchema ?? {}, null, 2));
  const [schemaError, setSchemaError] = useState<string>();
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const set = (patch: Tool) => props.onChange({ ...tool, ...patch });
  const at = (field: string) => issuesAt(issues, `${path}.${field}`);
  return (
    <div className="webhook">
      <h3>{w.webhook(text(tool.name) || "…")}</h3>
      <Field label={w.toolName} help={w.toolNameHelp} errors={at("name")}>
        {(a) => <input {...a} value={text(tool.name)} onChange={(e) => set({ name: e.target.value })} />}
      </Field>
      <Field label={w.description} help={w.descriptionHelp} errors={at("description")}>
        {(a) => (
          <input
            {...a}
            value={text(tool.description)}
            onChange={(e) => set({ description: e.target.value })}
          />
        )}
      </Field>
      <Field label={w.url} errors={at("url")}>
        {(a) => <input {...a} value={text(tool.url)} onChange={(e) => set({ url: e.target.value })} />}
      </Field>
      <Field label={w.method} errors={at("method")}>
        {(a) => (
          <select
            {...a}
            value={text(tool.method) || "POST"}
            onChange={(e) => set({ method: e.target.value })}
          >
            {methods.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label={w.inputSchema}
        help={w.inputSchemaHelp}
        errors={[...(schemaError ? [schemaError] : []), ...at("inputSchema")]}
      >
        {(a) => (
          <textarea
            {...a}
            className="code"
            rows={4}
            spellCheck={false}
            value={schemaText}
            onChange={(e) => {
              setSchemaText(e.target.value);
              try {
                const parsed = JSON.parse(e.target.value) as unknown;
                setSchemaError(undefined);
                set({ inputSchema: parsed });
              } catch (error) {
                setSchemaError(`${w.notJson}: ${(error as Error).message}`);
              }
            }}
          />
        )}
      </Field>
      <div className="field checkbox">
        <label>
          <input
            type="checkbox"
            checked={tool.requiresConfirmation === true}
            onChange={(e) => set({ requiresConfirmation: e.target.checked })}
          />{" "}
          {w.requiresConfirmation}
        </label>
      </div>
      <WebhookTestCall
        agent={props.agent}
        tool={tool}
        blocked={schemaError !== undefined || issuesAt(issues, path).length > 0}
      />
      <button type="button" className="secondary" onClick={() => props.onChange(undefined)}>
        {w.removeTool}
      </button>
    </div>
  );
}
