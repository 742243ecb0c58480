import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlambiqueError } from "../../spec/errors.js";
import { forgedModelPath } from "../forge/forged-model.fixture.js";
import { createLlamaCpp } from "./create-llamacpp-provider.js";
import { getLlamaRuntime } from "./llama-runtime.js";
import { writeTinyLoraAdapter } from "./lora-adapter.fixture.js";
import { ModelPool } from "./model-pool.js";

const runtime = () => getLlamaRuntime({ gpu: false });
let modelPath: string;
let dir: string;
const pools: ModelPool[] = [];
const newPool = (options: Partial<ConstructorParameters<typeof ModelPool>[0]> = {}) => {
  const pool = new ModelPool({ runtime, threads: 1, contextSize: 512, ...options });
  pools.push(pool);
  return pool;
};

beforeAll(async () => {
  modelPath = await forgedModelPath("tiny", 1);
  dir = await mkdtemp(join(tmpdir(), "alambique-pool-"));
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.dispose()));
  await rm(dir, { recursive: true, force: true });
});

async function failure(pending: Promise<unknown>): Promise<AlambiqueError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(AlambiqueError.isInstance(error), String(error)).toBe(true);
  return error as AlambiqueError;
}

describe("model files", () => {
  it("says which path is missing", async () => {
    const missing = join(dir, "nope.gguf");
    const error = await failure(newPool().load(missing));
    expect(error.code).toBe("not_found");
    expect(error.status).toBe(404);
    expect(error.message).toContain(missing);
    expect(error.hint).toContain("models forge");
  });

  it("recognises files that are not GGUF before llama.cpp sees them", async () => {
    const cases: [string, string | Buffer, string][] = [
      ["page.gguf", "<!DOCTYPE html><html>Not Found</html>", "HTML"],
      ["pointer.gguf", "version https://git-lfs.github.com/spec/v1\noid sha256:abc\n", "git lfs pull"],
      ["empty.gguf", "", "empty"],
      ["random.bin", Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]), "deadbeef"],
    ];
    for (const [name, content, words] of cases) {
      const path = join(dir, name);
      await writeFile(path, content);
      const error = await failure(newPool().load(path));
      expect(error.code, name).toBe("model_not_gguf");
      expect(error.message).toContain(words);
      expect(error.hint).toContain("GGUF");
    }
    expect((await failure(newPool().load(dir))).message).toContain("directory");
  });

  it("recognises a truncated download and a damaged header", async () => {
    const bytes = await readFile(modelPath);
    const cut = join(dir, "cut.gguf");
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const error = await failure(newPool().load(cut));
    expect(error.code).toBe("model_corrupt");
    expect(error.message).toMatch(/truncated: \d+ bytes, but its tensors need at least \d+/);
    const header = join(dir, "header.gguf");
    await writeFile(header, bytes.subarray(0, 300));
    expect((await failure(newPool().load(header))).code).toBe("model_corrupt");
  });

  it("names an architecture this llama.cpp does not support", async () => {
    const bytes = Buffer.from(await readFile(modelPath));
    const key = bytes.indexOf("general.architecture");
    bytes.write("llamx", bytes.indexOf("llama", key + "general.architecture".length));
    const path = join(dir, "arch.gguf");
    await writeFile(path, bytes);
    const error = await failure(newPool().load(path));
    expect(error.code).toBe("model_unsupported");
    expect(error.message).toContain('"llamx"');
  });

  it("translates not enough memory into model_too_large, and keeps working afterwards", async () => {
    const { llama } = await runtime();
    const pool = newPool();
    await llama.setRamCap(1);
    try {
      const error = await failure(pool.acquire(modelPath));
      expect(error.code).toBe("model_too_large");
      expect(error.message).toContain("not enough free memory for the context");
      expect(error.hint).toContain("contextSize");
    } finally {
      await llama.setRamCap(null);
    }
    const lease = await pool.acquire(modelPath);
    lease.release();
  });

  it("loads one file once, whatever path names it", async () => {
    const link = join(dir, "link.gguf");
    await symlink(modelPath, link);
    const pool = newPool();
    const [a, b] = await Promise.all([pool.load(modelPath), pool.load(link)]);
    expect(a).toBe(b);
    expect(a.threads).toBe(1);
    // The default thread count for a file under 100 MB is 1 (see ModelPoolOptions.threads).
    await expect(newPool({ threads: undefined }).load(modelPath)).resolves.toMatchObject({ threads: 1 });
  });
});

describe("sequences", () => {
  it("lends sequences in FIFO order when all are busy", async () => {
    const pool = newPool({ sequences: 1 });
    const first = await pool.acquire(modelPath);
    const order: string[] = [];
    const waiting = ["b", "c", "d"].map((name) =>
      pool.acquire(modelPath).then((lease) => {
        order.push(name);
        setTimeout(() => lease.release(), 5);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]);
    first.release();
    first.release(); // releasing twice must not lend the sequence twice
    await Promise.all(waiting);
    expect(order).toEqual(["b", "c", "d"]);
  });

  it("gives up after queueTimeoutMs with a retryable model_busy", async () => {
    const pool = newPool({ sequences: 1, queueTimeoutMs: 50 });
    const held = await pool.acquire(modelPath);
    const started = Date.now();
    const error = await failure(pool.acquire(modelPath));
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(error).toMatchObject({ code: "model_busy", status: 503, retryable: true });
    held.release();
    (await pool.acquire(modelPath)).release();
  });

  it("drops an aborted waiter from the queue at once", async () => {
    const pool = newPool({ sequences: 1 });
    const held = await pool.acquire(modelPath);
    const controller = new AbortController();
    const aborted = pool.acquire(modelPath, { signal: controller.signal });
    const next = pool.acquire(modelPath);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    held.release();
    (await next).release();
  });

  it("rejects waiters when disposed", async () => {
    const pool = newPool({ sequences: 1 });
    await pool.acquire(modelPath);
    const waiting = failure(pool.acquire(modelPath));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await pool.dispose();
    expect((await waiting).code).toBe("model_pool_disposed");
    expect((await failure(pool.load(modelPath))).code).toBe("model_pool_disposed");
  });
});

describe("LoRA adapters", () => {
  it("applies an adapter per request, in its own context, sharing the model", async () => {
    const adapter = await writeTinyLoraAdapter();
    const provider = createLlamaCpp({ threads: 1, contextSize: 512, sequences: 1, gpu: false });
    try {
      const prompt = [
        { role: "user" as const, content: [{ type: "text" as const, text: "Say something." }] },
      ];
      const text = async (
        options: Parameters<typeof provider.languageModel>[1],
        lora?: { path: string; scale?: number }[],
      ) => {
        const result = await provider.languageModel(modelPath, options).doGenerate({
          prompt,
          maxOutputTokens: 24,
          ...(lora ? { providerOptions: { llamacpp: { lora } } } : {}),
        });
        return result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
      };
      const base = await text(undefined);
      const adapted = await text(undefined, [{ path: adapter }]);
      expect(adapted).not.toBe(base);
      expect(await text({ lora: [{ path: adapter }] })).toBe(adapted);
      expect(await text({ lora: [{ path: adapter }] }, [])).toBe(base);
      expect(await text(undefined, [{ path: adapter, scale: 0 }])).toBe(base);
      expect(await text(undefined)).toBe(base);
      const missing = join(dir, "missing-lora.gguf");
      await expect(text(undefined, [{ path: missing }])).rejects.toMatchObject({ code: "not_found" });
      await expect(text(undefined, [{ path: 3 as unknown as string }])).rejects.toMatchObject({
        code: "invalid_request",
      });
    } finally {
      await provider.dispose();
      await rm(dirname(adapter), { recursive: true, force: true });
    }
  });
});
