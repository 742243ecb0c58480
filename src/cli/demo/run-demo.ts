import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AgentRuntime, loadAgentFile } from "../../agents/index.js";
import { ModelRegistry } from "../../models/model-registry.js";
import { defaultTenant } from "../../store/default-tenant.js";
import type { CliContext } from "../cli-context.js";
import { demoOrdersRoute } from "./demo-orders-route.js";
import { type DemoPage, demoPageRoute } from "./demo-page-route.js";
import { SAMPLE_QUESTIONS } from "./sample-questions.js";

/** The name of the chat key the demo page's widget uses. */
const DEMO_WIDGET_KEY = "demo web page";
/** The name of the admin key in the console's sign-in link, made anew each run (the last run's is revoked). */
const DEMO_CONSOLE_KEY = "demo console";

export const DEMO_DIR = fileURLToPath(new URL("../../../data/demo/", import.meta.url));

export interface DemoOptions {
  /** Keep serving (HTTP API and the demo's order-status webhook) until Ctrl-C. */
  serve: boolean;
  port?: number;
  /** Run the distillation loop on forged models instead of the samples, and do not serve. */
  distill?: boolean;
}

/**
 * The main job: creates the demo bakery (its agent, knowledge and an
 * order-status webhook the demo itself serves), shows it answering customers
 * in retrieval mode — no model needed — and serves it until stopped.
 */
export async function runDemo(context: CliContext, options: DemoOptions): Promise<void> {
  const { io } = context;
  const store = await context.store();
  const tenant = await defaultTenant(store);
  io.out(`Alambique demo — data in ${context.config.dataPath}`);

  const { startServer, untilSignal } = await import("../serve/start-server.js");
  let page: DemoPage | undefined;
  const serve = options.serve && !options.distill;
  const server = serve
    ? await startServer(context, {
        port: options.port,
        extend: async (app) => {
          await app.register(demoOrdersRoute);
          await app.register(demoPageRoute(() => page));
        },
      })
    : undefined;
  const port = server ? Number(new URL(server.url).port) : (options.port ?? context.config.server.port);

  const loaded = loadAgentFile(join(DEMO_DIR, "agent.yaml"));
  const { registerAgentSpec } = await import("../agents/register-agent-file.js");
  const agent = await registerAgentSpec(context, loaded, {
    ingest: true,
    // The webhook lives on this server: point the agent at the port it really got.
    rewriteUrl: (url) => url.replace(/\/\/127\.0\.0\.1:\d+\//, `//127.0.0.1:${port}/`),
  });
  if (options.distill) {
    const { runDemoDistill } = await import("./demo-distill.js");
    return runDemoDistill(context, agent.name);
  }

  const models =
    server?.registry ?? new ModelRegistry({ store, declared: context.config.models, env: context.env });
  if (!server) context.onClose(() => models.dispose());
  const runtime = new AgentRuntime({ store, models });
  context.onClose(() => runtime.dispose());
  const mode = agent.spec.model
    ? `model ${agent.spec.model}`
    : "retrieval mode: it answers from the bakery's documents, no model needed";
  io.out(`\nAgent ${agent.spec.displayName ?? agent.name} (${mode})\n`);
  for (const [i, { question }] of SAMPLE_QUESTIONS.entries()) {
    const turn = await runtime.turn({
      tenantId: tenant.id,
      agent: agent.id,
      externalUserId: `demo:visitor-${i}`,
      message: question,
    });
    io.out(`customer> ${question}`);
    io.out(`${agent.name}> ${turn.text.replace(/\n/g, "\n    ")}\n`);
  }

  io.out(`Talk to it yourself:  npx alambique chat ${agent.name}`);
  io.out(`Its documents:        ${join(DEMO_DIR, "knowledge")}`);
  if (!server) return;
  const catalog = (await models.list()).map((m) => m.name);
  io.out(
    `OpenAI-compatible API: ${server.url}/v1 (models: ${[`agent:${agent.name}`, ...catalog].join(", ")})`,
  );
  io.out(
    `  curl ${server.url}/v1/chat/completions -H "authorization: Bearer $KEY" -H "content-type: application/json" \\\n` +
      `    -d '{"model":"agent:${agent.name}","user":"me","messages":[{"role":"user","content":"¿Abrís el domingo?"}]}'`,
  );
  io.out(`Order-status webhook:  ${server.url}/demo/orders/status?order_id=LE-1001`);
  // A chat key for the page's widget (it can only open visitor sessions), made anew each run: the last run's goes.
  for (const old of await store.apiKeys.list(tenant.id)) {
    if (old.name === DEMO_WIDGET_KEY && old.revokedAt === null) await store.apiKeys.revoke(tenant.id, old.id);
  }
  const widgetKey = await store.apiKeys.create({
    tenantId: tenant.id,
    name: DEMO_WIDGET_KEY,
    scopes: ["chat"],
  });
  page = { agent: agent.name, title: agent.spec.displayName ?? agent.name, chatKey: widgetKey.secret };
  io.out(`The bakery's web page, with the chat widget: ${server.url}/`);
  const consoleKey = await store.apiKeys.create({
    tenantId: tenant.id,
    name: DEMO_CONSOLE_KEY,
    scopes: ["admin"],
  });
  for (const old of await store.apiKeys.list(tenant.id)) {
    if (old.name === DEMO_CONSOLE_KEY && old.revokedAt === null && old.id !== consoleKey.key.id)
      await store.apiKeys.revoke(tenant.id, old.id);
  }
  // The key rides in the fragment, which browsers never send; the console moves it to the tab's storage.
  io.out(`The owner's console:  ${server.url}/console/`);
  io.out(`  sign in for this run: ${server.url}/console/#key=${consoleKey.secret}`);
  io.err("Serving. Press Ctrl-C to stop.");
  const signal = await untilSignal();
  io.err(`\n${signal}: stopping…`);
}
