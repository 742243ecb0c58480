import { spawn } from "node:child_process";

/**
 * Test fixture: about `bytes` of HTML nested as deep as it goes: `<div>`s,
 * list items and table cells opened and never closed, words between them,
 * then a few closed at the end. The shape that made htmlparser2's parser
 * (its stack kept with `unshift`, searched at every end tag) quadratic.
 */
export function deeplyNestedHtml(bytes: number): string {
  const unit = "<div><ul><li><table><tr><td>palabra ";
  const body = unit.repeat(Math.ceil(bytes / unit.length));
  return `<!doctype html><html><head><title>Anidado</title></head><body><h1>Anidado</h1>${body}${"</td></tr></table></li></ul></div>".repeat(1000)}</body></html>`;
}

/** Test fixture: a PDF's pages of text, `pages` of them, each with a heading line and a sentence. */
export function manyPages(pages: number): string[][] {
  return Array.from({ length: pages }, (_, i) => [
    `Página ${i + 1}`,
    `Condiciones del servicio, apartado ${i + 1}: plazos, precios y devoluciones.`,
  ]);
}

/**
 * Test fixture: a client in a process of its own asking `url` every 20 ms
 * until stopped, one request at a time. Each latency is counted from when
 * the request was due (not when it could start), so a server that stalls
 * shows the stall in every request it delayed. `ready` resolves once the
 * client has warmed up (its first requests, not measured, set up its
 * connection and compile its code) and measuring has begun; `stop()`
 * resolves with the latencies, in ms.
 */
export function probeEvery20ms(url: string): { ready: Promise<void>; stop(): Promise<number[]> } {
  const script = `
    const latencies = [];
    let stopping = false;
    process.stdin.on("data", () => { stopping = true; });
    process.stdin.on("end", () => process.exit(1));
    for (let i = 0; i < 10; i++) await (await fetch(process.env.PROBE_URL)).text();
    process.stdout.write("ready\\n");
    const start = performance.now();
    for (let i = 0; !stopping; i++) {
      const due = start + 20 * i;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const res = await fetch(process.env.PROBE_URL);
      await res.text();
      if (res.status !== 200) throw new Error("status " + res.status);
      latencies.push(performance.now() - due);
    }
    process.stdout.write(JSON.stringify(latencies));
    process.exit(0);
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, PROBE_URL: url },
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on("data", (data: Buffer) => {
    out += data.toString();
    if (out.startsWith("ready\n")) {
      out = out.slice(6);
      markReady();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return {
    ready,
    async stop() {
      child.stdin.write("stop\n");
      const code = await exited;
      if (code !== 0) throw new Error(`the probe exited with ${code}`);
      return JSON.parse(out) as number[];
    },
  };
}

/** What the upload route answers: a report, or an error. */
export interface UploadBody {
  added?: string[];
  skipped?: { path: string; reason: string }[];
  chunks?: number;
  error?: { code: string; param: string | null; message: string };
}

/**
 * Test fixture: a process of its own that uploads the file at `path` as
 * `name` to `url` (multipart, one file, `key` as bearer token) when told to
 * (`send()`), so that neither starting it nor the client's work runs on the
 * server's event loop while it is measured. `send()` resolves with the
 * answer's status and JSON body.
 */
export function uploaderProcess(
  url: string,
  key: string,
  path: string,
  name: string,
): { send(): Promise<{ status: number; body: UploadBody }> } {
  const script = `
    import { openAsBlob } from "node:fs";
    import { once } from "node:events";
    const body = new FormData();
    body.append("file", await openAsBlob(process.env.UPLOAD_PATH), process.env.UPLOAD_NAME);
    await once(process.stdin, "data");
    const res = await fetch(process.env.UPLOAD_URL, {
      method: "POST",
      headers: { authorization: "Bearer " + process.env.UPLOAD_KEY },
      body,
    });
    process.stdout.write(JSON.stringify({ status: res.status, body: await res.json() }));
    process.exit(0);
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, UPLOAD_URL: url, UPLOAD_KEY: key, UPLOAD_PATH: path, UPLOAD_NAME: name },
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (data: Buffer) => {
    out += data.toString();
  });
  const result = new Promise<{ status: number; body: UploadBody }>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out) as { status: number; body: UploadBody });
      else reject(new Error(`the upload process exited with ${code}`));
    });
  });
  return {
    send() {
      child.stdin.write("go\n");
      return result;
    },
  };
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
