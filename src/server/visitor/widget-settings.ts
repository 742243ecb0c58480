import { z } from "zod";
import { isSuspectChunk } from "../../safety/detect-injection.js";
import { sanitizeCustomerText } from "../../safety/sanitize-customer-text.js";
import type { AgentSpec } from "../../spec/agent.js";
import type { Store } from "../../spec/store.js";

export const widgetSettingsSchema = z
  .object({
    quickReplies: z.array(z.string()).meta({
      description:
        "Buttons to offer before the visitor writes: the spec's `widget.quickReplies`, else the first questions of the agent's FAQ documents in the visitor's language",
    }),
    showSources: z.boolean().meta({ description: "Whether answers name the documents they come from" }),
    linkHosts: z.array(z.string()).meta({
      description:
        "Hosts an answer may link to (subdomains included): those of `widget.origins` and `widget.linkDomains`. The widget adds the page's own.",
    }),
  })
  .meta({ id: "WidgetSettings" });

export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;

/** Quick replies taken from FAQ documents when the spec names none. */
const faqQuickReplies = 3;
/** Chunks read, at most, looking for them: a session must not cost a scan of a huge knowledge base. */
const faqChunksScanned = 2_000;

/**
 * What the widget needs of an agent's spec, for a visitor whose page is in
 * `language`: the quick replies, whether to show sources, where links may go.
 */
export async function widgetSettings(input: {
  store: Store;
  tenantId: string;
  agentId: string;
  spec: AgentSpec;
  language: string;
}): Promise<WidgetSettings> {
  const { widget } = input.spec;
  const hosts = new Set([...widget.origins.map((origin) => new URL(origin).hostname), ...widget.linkDomains]);
  return {
    quickReplies: await quickReplies(input),
    showSources: widget.showSources,
    linkHosts: [...hosts],
  };
}

async function quickReplies(input: Parameters<typeof widgetSettings>[0]): Promise<string[]> {
  const given = input.spec.widget.quickReplies;
  if (Array.isArray(given)) return given;
  if (given !== undefined) return given[input.language] ?? given[input.spec.languages[0] ?? ""] ?? [];
  return faqQuestions(input);
}

/**
 * The first questions of the agent's FAQ chunks (in ingest order) whose entry
 * is in `language` or names none; never one that reads as orders to the
 * assistant (it is flagged at ingestion and would be a button on the site).
 */
async function faqQuestions(input: Parameters<typeof widgetSettings>[0]): Promise<string[]> {
  const found: string[] = [];
  let after: string | undefined;
  for (let scanned = 0; scanned < faqChunksScanned && found.length < faqQuickReplies; ) {
    const page = await input.store.knowledge.listChunks(input.tenantId, input.agentId, {
      limit: 500,
      ...(after ? { after } : {}),
    });
    for (const chunk of page) {
      if (found.length === faqQuickReplies) break;
      if (typeof chunk.metadata.answer !== "string" || !chunk.title || isSuspectChunk(chunk)) continue;
      const language = entryLanguage(chunk.metadata);
      if (language !== undefined && language !== input.language) continue;
      const question = sanitizeCustomerText(chunk.title).trim();
      if (question !== "" && question.length <= 80 && !found.includes(question)) found.push(question);
    }
    if (page.length < 500) break;
    scanned += page.length;
    after = page.at(-1)?.id;
  }
  return found;
}

/** The language an FAQ entry says it is in (`lang`, `language`, `idioma`), as two letters. */
function entryLanguage(metadata: Record<string, unknown>): string | undefined {
  const value = metadata.lang ?? metadata.language ?? metadata.idioma;
  return typeof value === "string" && /^[a-z]{2}\b/i.test(value)
    ? value.slice(0, 2).toLowerCase()
    : undefined;
}
