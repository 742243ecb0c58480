import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, agentSpec, startApiServer } from "./api-server.fixture.js";

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => server.close());

const put = (key: string, name: string, payload: unknown, contentType = "application/json") =>
  server.call(key, {
    method: "PUT",
    url: `/api/agents/${name}`,
    headers: { "content-type": contentType },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });

function expectError(res: { statusCode: number; body: string; json(): unknown }, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  return (res.json() as { error: { code: string; param: string | null; message: string } }).error;
}

describe("/api/agents", () => {
  it("creates (201) and replaces (200) an agent from JSON, reads, lists and removes it", async () => {
    const { admin } = server.other;
    const created = await put(admin, "rosa", agentSpec("rosa", { languages: ["es", "en"] }));
    expect(created.statusCode, created.body).toBe(201);
    const agent = created.json();
    expect(agent).toMatchObject({ name: "rosa", tenantId: server.other.tenant.id });
    // Stored parsed: the defaults are filled in.
    expect(agent.spec).toMatchObject({ name: "rosa", languages: ["es", "en"], maxSteps: 4, tools: [] });

    const replaced = await put(admin, "rosa", { persona: "Rosa, now shorter." });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({
      id: agent.id,
      spec: { name: "rosa", persona: "Rosa, now shorter." },
    });

    const one = await server.call(admin, { url: "/api/agents/rosa" });
    expect(one.json().spec.persona).toBe("Rosa, now shorter.");
    const list = await server.call(admin, { url: "/api/agents" });
    expect(list.json().data.map((a: { name: string }) => a.name)).toEqual(["rosa"]);

    const removed = await server.call(admin, { method: "DELETE", url: "/api/agents/rosa" });
    expect(removed.json()).toEqual({ id: agent.id, deleted: true });
    expectError(await server.call(admin, { url: "/api/agents/rosa" }), 404);
    expectError(await server.call(admin, { method: "DELETE", url: "/api/agents/rosa" }), 404);
  });

  it("takes YAML with Content-Type application/yaml", async () => {
    const yaml = "name: yaml-agent\npersona: |\n  A baker who answers in YAML.\nlanguages: [es]\n";
    const res = await put(server.other.admin, "yaml-agent", yaml, "application/yaml; charset=utf-8");
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().spec).toMatchObject({ persona: "A baker who answers in YAML.\n", languages: ["es"] });
  });

  it("answers broken YAML with 400 invalid_yaml and its line and column", async () => {
    const yaml = "name: broken\npersona: fine\ntools:\n  - type: builtin\n   name: oops\n";
    const error = expectError(await put(server.other.admin, "broken", yaml, "application/yaml"), 400);
    expect(error.code).toBe("invalid_yaml");
    expect(error.message).toMatch(/line 5, column \d+/);
  });

  it("names the field at fault in param, with the line for YAML", async () => {
    const yaml = [
      "name: hooked",
      "persona: p",
      "tools:",
      "  - type: webhook",
      "    name: orders",
      "    description: order status",
      "    url: not a url",
      "    inputSchema: {}",
      "",
    ].join("\n");
    const fromYaml = expectError(await put(server.other.admin, "hooked", yaml, "text/yaml"), 400);
    expect(fromYaml.param).toBe("tools[0].url");
    expect(fromYaml.message).toMatch(/line 7, column 5/);

    const cases: [unknown, string | null][] = [
      [agentSpec("typed", { maxSteps: "four" }), "maxSteps"],
      [agentSpec("typed", { languages: ["spanish"] }), "languages[0]"],
      [agentSpec("typed", { tools: [{ type: "builtin", name: "teleport" }] }), "tools[0].name"],
      [
        agentSpec("typed", { tools: [{ type: "builtin", name: "business_hours", urll: "x" }] }),
        "tools[0].urll",
      ],
      [agentSpec("typed", { persona: 7 }), "persona"],
      [agentSpec("other-name"), "name"],
      [{ name: "typed" }, "persona"],
      [[1, 2], null],
      ["just text", null],
    ];
    for (const [payload, param] of cases) {
      const res = await put(
        server.other.admin,
        "typed",
        typeof payload === "string" ? JSON.stringify(payload) : payload,
      );
      expect(expectError(res, 400).param, JSON.stringify(payload)).toBe(param);
    }
    expect(expectError(await put(server.other.admin, "typed", "{oops"), 400).code).toBe("invalid_json");
    const empty = await server.call(server.other.admin, { method: "PUT", url: "/api/agents/typed" });
    expectError(empty, 400);
    expectError(await put(server.other.admin, "Bad Name", { persona: "p" }), 400);
    expect((await server.call(server.other.admin, { url: "/api/agents" })).json().data).not.toContainEqual(
      expect.objectContaining({ name: "typed" }),
    );
  });

  it("lets only the operator add stdio MCP servers or read the server's secrets (403 operator_only)", async () => {
    const stdio = agentSpec("mcp-agent", {
      tools: [
        { type: "mcp", name: "files", transport: { kind: "stdio", command: "cat", args: ["/etc/passwd"] } },
      ],
    });
    const refused = expectError(await put(server.other.admin, "mcp-agent", stdio), 403);
    expect(refused).toMatchObject({ code: "operator_only", param: "tools[0].transport" });
    const secretHeader = agentSpec("leaky", {
      tools: [
        { type: "builtin", name: "business_hours" },
        {
          type: "webhook",
          name: "exfiltrate",
          description: "d",
          url: "https://example.test/hook",
          inputSchema: { type: "object" },
          headers: { Authorization: { secret: "VLLM_API_KEY" } },
        },
      ],
    });
    expect(expectError(await put(server.other.admin, "leaky", secretHeader), 403).param).toBe(
      "tools[1].headers.Authorization",
    );
    for (const [url, kind] of [
      ["http://127.0.0.1:8080/hook", "webhook"],
      ["http://localhost:9000/mcp", "mcp"],
      ["http://169.254.169.254/latest/meta-data", "webhook"],
      ["http://[::1]/hook", "mcp"],
    ] as const) {
      const tool =
        kind === "webhook"
          ? { type: "webhook", name: "internal", description: "d", url, inputSchema: { type: "object" } }
          : { type: "mcp", name: "internal", transport: { kind: "http", url } };
      const refused = expectError(
        await put(server.other.admin, "prober", agentSpec("prober", { tools: [tool] })),
        403,
      );
      expect(refused, url).toMatchObject({
        code: "operator_only",
        param: kind === "webhook" ? "tools[0].url" : "tools[0].transport.url",
      });
    }
    expect((await put(server.operator.admin, "mcp-agent", stdio)).statusCode).toBe(201);
    expect((await put(server.operator.admin, "leaky", secretHeader)).statusCode).toBe(201);
  });

  it("tells the second of two owners editing one agent that it changed (If-Match), and saves nothing", async () => {
    const { admin } = server.other;
    const created = await server.call(admin, {
      method: "PUT",
      url: "/api/agents/shared",
      headers: { "if-none-match": "*" },
      payload: agentSpec("shared"),
    });
    expect(created.statusCode, created.body).toBe(201);
    const read = await server.call(admin, { url: "/api/agents/shared" });
    const etag = read.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    expect(created.headers.etag).toBe(etag);
    // Creating again with If-None-Match: * is refused: someone else made it first.
    const again = await server.call(admin, {
      method: "PUT",
      url: "/api/agents/shared",
      headers: { "if-none-match": "*" },
      payload: agentSpec("shared", { persona: "Mine, made second." }),
    });
    expect(expectError(again, 412).code).toBe("spec_changed");

    const save = (persona: string, ifMatch: string) =>
      server.call(admin, {
        method: "PUT",
        url: "/api/agents/shared",
        headers: { "if-match": ifMatch },
        payload: agentSpec("shared", { persona }),
      });
    const first = await save("The first owner's words.", etag);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers.etag).not.toBe(etag);
    const second = await save("The second owner's words.", etag);
    const error = expectError(second, 412);
    expect(error).toMatchObject({ code: "spec_changed" });
    expect(error.message).toMatch(/changed by someone else/);
    // A stale version is told first, before what its spec refers to (a model not in the catalog).
    const staleAndWrong = await server.call(admin, {
      method: "PUT",
      url: "/api/agents/shared",
      headers: { "if-match": etag },
      payload: agentSpec("shared", { model: "not-in-the-catalog" }),
    });
    expect(expectError(staleAndWrong, 412).code).toBe("spec_changed");
    expect((await server.call(admin, { url: "/api/agents/shared" })).json().spec.persona).toBe(
      "The first owner's words.",
    );
    // With the new version it saves; a removed agent is a changed one too.
    expect((await save("The second owner's words.", first.headers.etag as string)).statusCode).toBe(200);
    await server.call(admin, { method: "DELETE", url: "/api/agents/shared" });
    expect(expectError(await save("Back?", first.headers.etag as string), 412).code).toBe("spec_changed");
  });
});
