import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { forgedModelPath } from "../../models/forge/forged-model.fixture.js";
import { ModelRegistry, type ModelRegistryOptions } from "../../models/model-registry.js";
import type { Store } from "../../spec/store.js";
import { FORGED_MODEL, type ForgedServer, startForgedServer } from "../forged-server.fixture.js";
import { type ApiServer, startApiServer } from "./api-server.fixture.js";
import { type ModelHub, startModelHub } from "./model-hub.fixture.js";

let server: ApiServer;
let engine: ForgedServer;
let hub: ModelHub;
let gguf: string;
let modelsDir: string;
const hfFile = "forger/tiny-GGUF/tiny-Q8_0.gguf";

beforeAll(async () => {
  gguf = await forgedModelPath("tiny", 1);
  modelsDir = mkdtempSync(join(tmpdir(), "alq-models-dir-"));
  // The real registry over the fixture's own store (as `serve` has it), so that `GET /api/models` lists what is added.
  const registry: ModelRegistryOptions = { store: undefined as unknown as Store };
  server = await startApiServer({ modelsDir, models: new ModelRegistry(registry) });
  registry.store = server.store;
  engine = await startForgedServer();
  hub = await startModelHub({ [hfFile]: gguf }, 40);
}, 60_000);
afterAll(async () => {
  await server?.close();
  await engine?.close();
  await hub?.close();
  rmSync(modelsDir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  hub.stallHalfway(false);
});

const add = (key: string, payload: Record<string, unknown>) =>
  server.call(key, { method: "POST", url: "/api/models", payload });
const catalogNames = async () => (await server.store.models.list()).map((m) => m.name);

/** A loopback port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const probe: Server = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

describe("POST /api/models: a GGUF file on the server", () => {
  it("adds it with the facts its header gives, and lists it without its path", async () => {
    const res = await add(server.operator.admin, {
      kind: "gguf",
      name: "tiny-local",
      path: gguf,
      license: "mit",
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: "tiny-local", architecture: "llama", licenseId: "mit" });
    expect(res.body).not.toContain(gguf);
    const list = await server.call(server.other.admin, { url: "/api/models" });
    expect(list.json().data.map((m: { name: string }) => m.name)).toContain("tiny-local");
    expect(list.body).not.toContain(gguf);
  });

  it("refuses a relative path, a missing file, a file that is not GGUF and a taken name, on the field", async () => {
    const relative = await add(server.operator.admin, { kind: "gguf", name: "x", path: "models/a.gguf" });
    expect(relative.statusCode).toBe(400);
    expect(relative.json().error).toMatchObject({ code: "invalid_request", param: "path" });
    const missing = await add(server.operator.admin, {
      kind: "gguf",
      name: "x",
      path: join(modelsDir, "no.gguf"),
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.param).toBe("path");
    const notGguf = await add(server.operator.admin, {
      kind: "gguf",
      name: "x",
      path: join(process.cwd(), "package.json"),
    });
    expect(notGguf.statusCode).toBe(400);
    expect(notGguf.json().error).toMatchObject({ code: "model_not_gguf", param: "path" });
    const badName = await add(server.operator.admin, { kind: "gguf", name: "no spaces", path: gguf });
    expect(badName.json().error.param).toBe("name");
    const taken = await add(server.operator.admin, { kind: "gguf", name: "tiny-local", path: gguf });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: "model_exists", param: "name" });
    expect(await catalogNames()).not.toContain("x");
  });
});

describe("an OpenAI-compatible engine (another Alambique's /v1, with a forged model)", () => {
  it("tests the connection with its model list and a one-token chat, then adds it", async () => {
    const test = await server.call(server.operator.admin, {
      method: "POST",
      url: "/api/models/test-connection",
      payload: { url: engine.baseURL },
    });
    expect(test.statusCode, test.body).toBe(200);
    expect(test.json()).toMatchObject({ ok: true, models: [FORGED_MODEL], model: FORGED_MODEL, error: null });
    expect(test.json().latencyMs).toBeGreaterThan(0);
    expect(typeof test.json().reply).toBe("string");
    const res = await add(server.operator.admin, { kind: "url", name: "remote-tiny", url: engine.baseURL });
    expect(res.statusCode, res.body).toBe(201);
    const stored = await server.store.models.get("remote-tiny");
    expect(stored).toMatchObject({
      source: `url:${engine.baseURL}`,
      metadata: { remoteModel: FORGED_MODEL },
    });
  }, 60_000);

  it("says why an engine is unreachable or does not serve the model asked for", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const test = await server.call(server.operator.admin, {
      method: "POST",
      url: "/api/models/test-connection",
      payload: { url },
    });
    expect(test.statusCode).toBe(200);
    expect(test.json()).toMatchObject({ ok: false, error: { code: "engine_unreachable" } });
    expect(test.json().error.message).toContain(url);
    const wrong = await server.call(server.operator.admin, {
      method: "POST",
      url: "/api/models/test-connection",
      payload: { url: engine.baseURL, remoteModel: "gpt-9" },
    });
    expect(wrong.json()).toMatchObject({ ok: false, error: { code: "engine_model_not_found" } });
    expect(wrong.json().error.hint).toContain(FORGED_MODEL);
    const res = await add(server.operator.admin, { kind: "url", name: "gone", url });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: "engine_unreachable", param: "url" });
    expect(res.json().error.message).toContain("no OpenAI-compatible engine answered");
    expect(await catalogNames()).not.toContain("gone");
  });
});

describe("POST /api/model-downloads: a GGUF from Hugging Face", () => {
  const follow = async (id: string, until: (d: { status: string }) => boolean) => {
    const seen: { status: string; downloadedBytes: number; totalBytes: number }[] = [];
    await vi.waitFor(
      async () => {
        const res = await server.call(server.operator.admin, { url: `/api/model-downloads/${id}` });
        seen.push(res.json());
        expect(until(res.json())).toBe(true);
      },
      { timeout: 30_000, interval: 50 },
    );
    return seen;
  };

  it("downloads in the background with progress, then adds it to the catalog", async () => {
    vi.stubEnv("HF_ENDPOINT", hub.url);
    const res = await server.call(server.operator.admin, {
      method: "POST",
      url: "/api/model-downloads",
      payload: {
        name: "tiny-hub",
        hf: "https://huggingface.co/forger/tiny-GGUF/resolve/main/tiny-Q8_0.gguf",
      },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ name: "tiny-hub", hf: `hf:${hfFile}`, status: "running" });
    const seen = await follow(res.json().id, (d) => d.status !== "running");
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ status: "done", model: { name: "tiny-hub", architecture: "llama" } });
    expect(seen.some((d) => d.downloadedBytes > 0 && d.downloadedBytes < d.totalBytes)).toBe(true);
    expect(await catalogNames()).toContain("tiny-hub");
    const list = await server.call(server.operator.admin, { url: "/api/model-downloads" });
    expect(list.json().data[0]).toMatchObject({ id: res.json().id, status: "done" });
  }, 60_000);

  it("fails at once, saying why, when the hub cannot be reached", async () => {
    vi.stubEnv("HF_ENDPOINT", `http://127.0.0.1:${await closedPort()}`);
    const started = Date.now();
    const res = await server.call(server.operator.admin, {
      method: "POST",
      url: "/api/model-downloads",
      payload: { name: "offline", hf: hfFile },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: "download_failed", param: "hf" });
    expect(res.json().error.message).toMatch(/could not reach 127\.0\.0\.1.*--gguf PATH/s);
    const notFound = await (async () => {
      vi.stubEnv("HF_ENDPOINT", hub.url);
      return server.call(server.operator.admin, {
        method: "POST",
        url: "/api/model-downloads",
        payload: { name: "missing", hf: "forger/tiny-GGUF/nope.gguf" },
      });
    })();
    expect(notFound.json().error).toMatchObject({ code: "download_not_found", param: "hf" });
    const notAFile = await server.call(server.operator.admin, {
      method: "POST",
      url: "/api/model-downloads",
      payload: { name: "repo-only", hf: "forger/tiny-GGUF" },
    });
    expect(notAFile.json().error).toMatchObject({ code: "usage", param: "hf" });
    expect(await catalogNames()).not.toContain("offline");
  });

  it("leaves nothing in the catalog, nor a half file, when a download is cancelled half-way", async () => {
    const file = "forger/half-GGUF/half-Q8_0.gguf";
    const half = await startModelHub({ [file]: gguf }, 5);
    half.stallHalfway(true);
    vi.stubEnv("HF_ENDPOINT", half.url);
    try {
      const res = await server.call(server.operator.admin, {
        method: "POST",
        url: "/api/model-downloads",
        payload: { name: "half", hf: file },
      });
      expect(res.statusCode, res.body).toBe(202);
      await follow(res.json().id, (d) => (d as unknown as { downloadedBytes: number }).downloadedBytes > 0);
      const again = await server.call(server.operator.admin, {
        method: "POST",
        url: "/api/model-downloads",
        payload: { name: "half", hf: file },
      });
      expect(again.json().error).toMatchObject({ code: "model_exists", param: "name" });
      const cancelled = await server.call(server.operator.admin, {
        method: "DELETE",
        url: `/api/model-downloads/${res.json().id}`,
      });
      expect(cancelled.json()).toMatchObject({ status: "cancelled", model: null });
      await new Promise((done) => setTimeout(done, 500));
      expect(await catalogNames()).not.toContain("half");
      const dir = join(modelsDir, "hf", "forger", "half-GGUF");
      const left = existsSync(dir) ? readdirSync(dir) : [];
      expect(left.filter((f) => f.endsWith(".gguf"))).toEqual([]);
    } finally {
      await half.close();
    }
  }, 60_000);
});

describe("who may add models", () => {
  it("refuses a tenant's admin on every way in, before the server reads a file or calls a host", async () => {
    vi.stubEnv("HF_ENDPOINT", hub.url);
    const hits = hub.requests.length;
    const { admin } = server.other;
    const cases = [
      { url: "/api/models", payload: { kind: "gguf", name: "etc", path: "/etc/passwd" }, param: "path" },
      {
        url: "/api/models",
        payload: { kind: "url", name: "meta", url: "http://169.254.169.254/v1" },
        param: "url",
      },
      { url: "/api/models/test-connection", payload: { url: engine.baseURL }, param: "url" },
      { url: "/api/model-downloads", payload: { name: "hub", hf: hfFile }, param: "hf" },
    ];
    for (const { url, payload, param } of cases) {
      const res = await server.call(admin, { method: "POST", url, payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(403);
      expect(res.json().error).toMatchObject({ code: "operator_only", param });
      expect(res.json().error.message).toContain("ask its operator");
      expect(res.body).not.toContain("root:");
      // The page's public key is refused before anything too.
      expect((await server.call(server.other.chat, { method: "POST", url, payload })).statusCode).toBe(403);
    }
    for (const url of ["/api/model-downloads", "/api/model-downloads/some-id"]) {
      expect((await server.call(admin, { url })).json().error.code).toBe("operator_only");
    }
    expect(hub.requests.length).toBe(hits);
    expect(await catalogNames()).not.toContain("etc");
  });
});
