/**
 * The parts of the MCP SDK the client side uses, imported on first use: the
 * SDK (with Ajv and zod-to-json-schema under it) costs ~0.4 s of CPU to
 * import, and most servers' agents use no MCP server. `loadMcpSdk()` imports
 * once and resolves to the same object every time; `loadedMcpSdk()` is that
 * object once some connection has loaded it (a live session implies it), else
 * undefined.
 */
export interface McpSdk {
  Client: typeof import("@modelcontextprotocol/sdk/client/index.js").Client;
  StdioClientTransport: typeof import("@modelcontextprotocol/sdk/client/stdio.js").StdioClientTransport;
  StreamableHTTPClientTransport: typeof import("@modelcontextprotocol/sdk/client/streamableHttp.js").StreamableHTTPClientTransport;
  StreamableHTTPError: typeof import("@modelcontextprotocol/sdk/client/streamableHttp.js").StreamableHTTPError;
  ErrorCode: typeof import("@modelcontextprotocol/sdk/types.js").ErrorCode;
  McpError: typeof import("@modelcontextprotocol/sdk/types.js").McpError;
  ToolListChangedNotificationSchema: typeof import("@modelcontextprotocol/sdk/types.js").ToolListChangedNotificationSchema;
}

let loading: Promise<McpSdk> | undefined;
let loaded: McpSdk | undefined;

export function loadMcpSdk(): Promise<McpSdk> {
  loading ??= Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/client/stdio.js"),
    import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
    import("@modelcontextprotocol/sdk/types.js"),
  ]).then(([client, stdio, http, types]) => {
    loaded = {
      Client: client.Client,
      StdioClientTransport: stdio.StdioClientTransport,
      StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
      StreamableHTTPError: http.StreamableHTTPError,
      ErrorCode: types.ErrorCode,
      McpError: types.McpError,
      ToolListChangedNotificationSchema: types.ToolListChangedNotificationSchema,
    };
    return loaded;
  });
  return loading;
}

export function loadedMcpSdk(): McpSdk | undefined {
  return loaded;
}
