/**
 * What bench/ingest.ts asks of the server, over HTTP on 127.0.0.1: an upload
 * through the upload route (`POST /api/agents/:name/knowledge`,
 * multipart/form-data, as the console and `curl -F` send it), an agent turn
 * (`POST /v1/chat/completions`, `model: "agent:<name>"`), and an agent's creation.
 */
import type { Document } from "./ingest-documents.js";

export interface Endpoint {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** An admin key of the tenant. */
  apiKey: string;
}

export interface UploadResult {
  ms: number;
  chunks: number;
}

/** Uploads one file; throws unless it is answered 200 with the file added or updated. */
export async function upload(
  endpoint: Endpoint,
  agent: string,
  file: Pick<Document, "name" | "bytes">,
): Promise<UploadResult> {
  const body = new FormData();
  body.append("file", new Blob([file.bytes]), file.name);
  const started = performance.now();
  const res = await fetch(`${endpoint.origin}/api/agents/${agent}/knowledge`, {
    method: "POST",
    headers: { authorization: `Bearer ${endpoint.apiKey}` },
    body,
  });
  const report = (await res.json()) as { added?: string[]; updated?: string[]; chunks?: number };
  const ms = performance.now() - started;
  const stored = [...(report.added ?? []), ...(report.updated ?? [])];
  if (res.status !== 200 || !stored.includes(file.name)) {
    throw new Error(`upload of ${file.name}: HTTP ${res.status} ${JSON.stringify(report).slice(0, 400)}`);
  }
  return { ms, chunks: report.chunks ?? 0 };
}

export interface Answer {
  text: string;
  /** The URIs the reply cites. */
  cited: string[];
}

/** One agent turn for customer `user`; throws unless answered 200. */
export async function ask(
  endpoint: Endpoint,
  agent: string,
  user: string,
  question: string,
): Promise<Answer> {
  const res = await fetch(`${endpoint.origin}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${endpoint.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: `agent:${agent}`, user, messages: [{ role: "user", content: question }] }),
  });
  const body = (await res.json()) as {
    choices?: { message: { content: string }; alambique?: { citations?: { uri: string }[] } }[];
  };
  const choice = body.choices?.[0];
  if (res.status !== 200 || !choice)
    throw new Error(`turn: HTTP ${res.status} ${JSON.stringify(body).slice(0, 400)}`);
  return { text: choice.message.content, cited: (choice.alambique?.citations ?? []).map((c) => c.uri) };
}

/** Creates (or replaces) a retrieval-mode agent `name` in the key's tenant. */
export async function putAgent(endpoint: Endpoint, name: string): Promise<void> {
  const res = await fetch(`${endpoint.origin}/api/agents/${name}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${endpoint.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name, persona: `The assistant of ${name}.` }),
  });
  if (res.status >= 300) throw new Error(`PUT agent ${name}: HTTP ${res.status} ${await res.text()}`);
}
