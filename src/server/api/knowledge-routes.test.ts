import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deflateBombPdf, minimalPdf } from "../../knowledge/pdf-file.fixture.js";
import { type ApiServer, agentSpec, startApiServer } from "./api-server.fixture.js";

let server: ApiServer;
let uploadDir: string;
beforeAll(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  uploadDir = join(mkdtempSync(join(tmpdir(), "alq-uploads-")), "staging");
  server = await startApiServer({ maxUploadBytes: 16 * 1024, maxUploadFiles: 3, uploadDir });
  for (const name of ["bakery", "florist"]) {
    await server.call(server.other.admin, {
      method: "PUT",
      url: `/api/agents/${name}`,
      payload: agentSpec(name),
    });
  }
});
afterAll(() => server.close());

const faq = "# Horarios\n\nAbrimos de lunes a sábado de 8:00 a 20:00. Los domingos, de 9:00 a 14:00.\n";
const catalog = "product,price\npan de masa madre,3.50\ncroissant,1.20\n";

function form(files: [string, string | Uint8Array][]): FormData {
  const data = new FormData();
  for (const [name, content] of files) data.append("file", new Blob([content]), name);
  return data;
}

function upload(agent: string, payload: FormData | string, key = server.other.admin, headers = {}) {
  return server.call(key, { method: "POST", url: `/api/agents/${agent}/knowledge`, payload, headers });
}

function expectError(res: { statusCode: number; body: string; json(): unknown }, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  return (res.json() as { error: { code: string; param: string | null; message: string } }).error;
}

describe("/api/agents/:name/knowledge", () => {
  it("ingests uploaded files, lists them, skips unchanged ones, and removes one", async () => {
    const res = await upload(
      "bakery",
      form([
        ["faq.md", faq],
        ["catalogo.csv", catalog],
        ["photo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])],
      ]),
    );
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.added).toEqual(["faq.md", "catalogo.csv"]);
    expect(report.skipped).toEqual([{ path: "photo.png", reason: expect.any(String) }]);
    expect(report.chunks).toBeGreaterThanOrEqual(3);

    const again = await upload("bakery", form([["faq.md", faq]]));
    expect(again.json()).toMatchObject({ added: [], unchanged: ["faq.md"], chunks: 0 });

    const list = await server.call(server.other.admin, { url: "/api/agents/bakery/knowledge" });
    const sources = list.json().data as { id: string; uri: string; kind: string; chunkCount: number }[];
    expect(sources.map((s) => [s.uri, s.kind])).toEqual([
      ["faq.md", "markdown"],
      ["catalogo.csv", "csv"],
    ]);
    const bakery = await server.store.agents.getByName(server.other.tenant.id, "bakery");
    const hits = await server.store.knowledge.searchText(server.other.tenant.id, bakery!.id, "domingos", 3);
    expect(hits[0]?.source.uri).toBe("faq.md");

    // Another agent's source, or an unknown one, is not this agent's to remove.
    expectError(
      await server.call(server.other.admin, {
        method: "DELETE",
        url: `/api/agents/florist/knowledge/${sources[0]!.id}`,
      }),
      404,
    );
    expectError(
      await server.call(server.other.admin, { method: "DELETE", url: "/api/agents/bakery/knowledge/nope" }),
      404,
    );
    const removed = await server.call(server.other.admin, {
      method: "DELETE",
      url: `/api/agents/bakery/knowledge/${sources[0]!.id}`,
    });
    expect(removed.json()).toEqual({ id: sources[0]!.id, deleted: true });
    const after = await server.call(server.other.admin, { url: "/api/agents/bakery/knowledge" });
    expect(after.json().data.map((s: { uri: string }) => s.uri)).toEqual(["catalogo.csv"]);
    // Every upload's staging folder is gone.
    expect(readdirSync(uploadDir)).toEqual([]);
  });

  it("keeps only a file's base name: a client cannot write outside the staging folder", async () => {
    const res = await upload("florist", form([["../../../evil.md", faq]]));
    expect(res.json().added).toEqual(["evil.md"]);
  });

  it("refuses a file over the size limit with 413 file_too_large naming it", async () => {
    const big = "x".repeat(16 * 1024 + 1);
    const error = expectError(
      await upload(
        "florist",
        form([
          ["small.md", faq],
          ["big.txt", big],
        ]),
      ),
      413,
    );
    expect(error).toMatchObject({ code: "file_too_large", param: "big.txt" });
    expect(error.message).toContain("16 KiB");
    expect(readdirSync(uploadDir)).toEqual([]);
    const list = await server.call(server.other.admin, { url: "/api/agents/florist/knowledge" });
    expect(list.json().data.map((s: { uri: string }) => s.uri)).not.toContain("small.md");
  });

  it("streams files larger than the JSON body limit", async () => {
    const roomy = await startApiServer({ maxUploadBytes: 8 * 2 ** 20 });
    try {
      await roomy.call(roomy.other.admin, {
        method: "PUT",
        url: "/api/agents/big",
        payload: agentSpec("big"),
      });
      // A PNG: streamed and counted, then skipped as a format the ingester does not read (fast).
      const blob = new Uint8Array(5 * 2 ** 20);
      blob.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const res = await roomy.call(roomy.other.admin, {
        method: "POST",
        url: "/api/agents/big/knowledge",
        payload: form([["blob.bin", blob]]),
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ bytes: 5 * 2 ** 20, skipped: [{ path: "blob.bin" }] });
    } finally {
      await roomy.close();
    }
  });

  it("over a real socket: ingests an upload, and answers an oversized one 413 before reading it all", async () => {
    const address = await server.app.listen({ port: 0, host: "127.0.0.1" });
    const post = (body: FormData) =>
      fetch(`${address}/api/agents/florist/knowledge`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.other.admin}` },
        body,
      });
    const ok = await post(form([["socket.md", "# Socket\n\nSent over a real connection.\n"]]));
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(((await ok.json()) as { added: string[] }).added).toEqual(["socket.md"]);
    // 4 MiB against a 16 KiB limit: refused while the client is still sending.
    const big = await post(form([["huge.txt", "y".repeat(4 * 2 ** 20)]])).then(
      async (res) => ({ status: res.status, body: await res.text() }),
      (error: unknown) => ({ status: 0, body: String(error) }),
    );
    expect(big.status, big.body).toBe(413);
    expect(big.body).toContain("file_too_large");
    expect(readdirSync(uploadDir)).toEqual([]);
  });

  it("refuses too many files (413), none (400), twice the same name (400)", async () => {
    const four = form([
      ["a.md", "# a"],
      ["b.md", "# b"],
      ["c.md", "# c"],
      ["d.md", "# d"],
    ]);
    expect(expectError(await upload("florist", four), 413).code).toBe("too_many_files");
    const none = new FormData();
    none.append("note", "no file here");
    expect(expectError(await upload("florist", none), 400).code).toBe("no_files");
    expect(
      expectError(
        await upload(
          "florist",
          form([
            ["a.md", "# a"],
            ["a.md", "# b"],
          ]),
        ),
        400,
      ).code,
    ).toBe("duplicate_file");
  });

  it("refuses what is not multipart (415), a malformed multipart body (400), an unknown agent (404)", async () => {
    const json = await server.call(server.other.admin, {
      method: "POST",
      url: "/api/agents/florist/knowledge",
      payload: { file: "faq.md" },
    });
    expect(expectError(json, 415).code).toBe("unsupported_media_type");
    const cut = await upload(
      "florist",
      '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.md"\r\n\r\nhalf',
      undefined,
      {
        "content-type": "multipart/form-data; boundary=xyz",
      },
    );
    expect(expectError(cut, 400).code).toBe("invalid_multipart");
    expect(expectError(await upload("nobody", form([["a.md", "# a"]])), 404).code).toBe("not_found");
    expect(readdirSync(uploadDir)).toEqual([]);
  });

  it("refuses a document past a reading limit with 413 naming the file and the limit, storing nothing of the upload", async () => {
    const limited = await startApiServer({ knowledgeLimits: { document: { decodedBytes: 16 * 2 ** 20 } } });
    try {
      await limited.call(limited.other.admin, {
        method: "PUT",
        url: "/api/agents/a",
        payload: agentSpec("a"),
      });
      const res = await limited.call(limited.other.admin, {
        method: "POST",
        url: "/api/agents/a/knowledge",
        payload: form([
          ["faq.md", faq],
          ["bomba.pdf", deflateBombPdf(64 * 2 ** 20)],
        ]),
      });
      const error = expectError(res, 413);
      expect(error).toMatchObject({ code: "document_too_large", param: "bomba.pdf" });
      expect(error.message).toBe(
        '"bomba.pdf": its compressed content inflates to more than 16 MiB, the limit for one document (knowledge.limits.document.decodedBytes) (split it into smaller files)',
      );
      const list = await limited.call(limited.other.admin, { url: "/api/agents/a/knowledge" });
      expect(list.json().data).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it("with Accept: application/x-ndjson, streams reading progress, then the report or the error", async () => {
    const roomy = await startApiServer({ knowledgeLimits: { document: { pages: 100 } } });
    try {
      await roomy.call(roomy.other.admin, { method: "PUT", url: "/api/agents/a", payload: agentSpec("a") });
      const send = (name: string, pages: number) =>
        roomy.call(roomy.other.admin, {
          method: "POST",
          url: "/api/agents/a/knowledge",
          headers: { accept: "application/x-ndjson" },
          payload: form([[name, minimalPdf(Array.from({ length: pages }, (_, i) => [`Página ${i + 1}`]))]]),
        });
      const ok = await send("carta.pdf", 60);
      expect(ok.statusCode).toBe(200);
      expect(ok.headers["content-type"]).toContain("application/x-ndjson");
      const lines = ok.body
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(lines[0]).toMatchObject({ progress: { stage: "read", uri: "carta.pdf", pagesTotal: 60 } });
      expect(lines.at(-2)).toMatchObject({ progress: { stage: "files", done: 1, total: 1 } });
      expect(lines.at(-1)).toMatchObject({ report: { added: ["carta.pdf"], chunks: 60 } });
      const refused = await send("largo.pdf", 120);
      const last = JSON.parse(refused.body.trim().split("\n").at(-1)!);
      expect(last.error).toMatchObject({ code: "document_too_large", param: "largo.pdf" });
      expect(last.error.message).toContain("knowledge.limits.document.pages");
    } finally {
      await roomy.close();
    }
  });

  it("stops reading an upload's documents when its client goes away", async () => {
    const roomy = await startApiServer({ maxUploadBytes: 8 * 2 ** 20 });
    try {
      await roomy.call(roomy.other.admin, { method: "PUT", url: "/api/agents/a", payload: agentSpec("a") });
      const base = await roomy.app.listen({ port: 0, host: "127.0.0.1" });
      const post = (body: FormData, signal?: AbortSignal) =>
        fetch(`${base}/api/agents/a/knowledge`, {
          method: "POST",
          headers: { authorization: `Bearer ${roomy.other.admin}` },
          body,
          ...(signal ? { signal } : {}),
        });
      const pages = Array.from({ length: 6000 }, (_, i) => [`Página ${i + 1}`, "Condiciones del servicio."]);
      const gone = new AbortController();
      const started = performance.now();
      const abandoned = post(form([["largo.pdf", minimalPdf(pages)]]), gone.signal).catch(() => undefined);
      setTimeout(() => gone.abort(), 800);
      await abandoned;
      // The agent's next upload waits for the one before it: it comes back at once only if that one stopped.
      const next = await post(form([["faq.md", faq]]));
      expect(next.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(5000);
      const list = await roomy.call(roomy.other.admin, { url: "/api/agents/a/knowledge" });
      expect(list.json().data.map((s: { uri: string }) => s.uri)).toEqual(["faq.md"]);
    } finally {
      await roomy.close();
    }
  });

  it("answers 409 when the agent's embedding model is not in the catalog", async () => {
    // Saving refuses such an agent now (see save-agent.ts); one saved before its model left the catalog remains.
    await server.store.agents.create({
      tenantId: server.other.tenant.id,
      name: "embedder",
      spec: agentSpec("embedder", { embeddingModel: "missing-embedder" }) as never,
    });
    const error = expectError(await upload("embedder", form([["a.md", faq]])), 409);
    expect(error).toMatchObject({ code: "embedding_model_not_found", param: "embeddingModel" });
  });
});
