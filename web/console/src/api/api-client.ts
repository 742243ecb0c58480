/** An error the server answered with (its OpenAI-shaped body), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

export interface ApiResponse<T> {
  body: T;
  headers: Headers;
}

/**
 * The console's one way to the server: same origin, the admin key in the
 * `Authorization` header (never in a URL). Throws ApiError; a 401 also calls
 * `onUnauthorized` (the key was revoked while signed in: back to sign-in).
 */
export class ApiClient {
  constructor(
    readonly key: string,
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  async get<T>(path: string): Promise<T> {
    return (await this.send<T>("GET", path)).body;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return (await this.send<T>("POST", path, body)).body;
  }

  async delete<T>(path: string): Promise<T> {
    return (await this.send<T>("DELETE", path)).body;
  }

  /** `body`: JSON unless a string (sent as YAML) or FormData (multipart). */
  async send<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${this.key}`, ...headers } };
    if (body instanceof FormData) init.body = body;
    else if (typeof body === "string") {
      init.body = body;
      (init.headers as Record<string, string>)["content-type"] = "application/yaml";
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    let res: Response;
    try {
      res = await fetch(path, init);
    } catch (error) {
      throw new ApiError(error instanceof Error ? error.message : String(error), 0, "network");
    }
    const text = await res.text();
    const parsed = text === "" ? undefined : safeJson(text);
    if (!res.ok) throw this.refused(res, parsed);
    return { body: parsed as T, headers: res.headers };
  }

  /**
   * POSTs `body` asking for JSON lines (`Accept: application/x-ndjson`) and
   * calls `onLine` with each as it arrives; resolves when the answer ends.
   * Throws ApiError when the request is refused (a status that is not 2xx).
   */
  async lines(path: string, body: FormData, onLine: (line: unknown) => void): Promise<void> {
    let res: Response;
    try {
      res = await fetch(path, {
        method: "POST",
        body,
        headers: { authorization: `Bearer ${this.key}`, accept: "application/x-ndjson" },
      });
    } catch (error) {
      throw new ApiError(error instanceof Error ? error.message : String(error), 0, "network");
    }
    if (!res.ok || !res.body) throw this.refused(res, safeJson(await res.text()));
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = "";
    for (;;) {
      const { value, done } = await reader.read();
      pending += value ?? "";
      const complete = done ? pending : pending.slice(0, pending.lastIndexOf("\n") + 1);
      pending = pending.slice(complete.length);
      for (const line of complete.split("\n")) if (line.trim() !== "") onLine(safeJson(line));
      if (done) return;
    }
  }

  /** The ApiError for a refused answer (and back to sign-in for a 401). */
  private refused(res: Response, parsed: unknown): ApiError {
    const error = (parsed as { error?: { message?: string; code?: string; param?: string | null } })?.error;
    if (res.status === 401) this.onUnauthorized();
    return new ApiError(
      error?.message ?? `${res.status} ${res.statusText}`,
      res.status,
      error?.code ?? "http_error",
      error?.param ?? null,
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
