import { modelFileProblem, namedModelProblem } from "../../models/catalog/model-file-problem.js";
import { parseModelSource } from "../../models/catalog/model-source.js";
import type { ModelResolver } from "../../spec/models.js";
import type { ModelRecord, Store } from "../../spec/store.js";
import { checkRouting } from "./check-routing.js";
import type { ProbeEngine } from "./probe-engine.js";

export interface Readiness {
  ready: boolean;
  checks: {
    store: { ok: boolean; ms: number; error?: string } | { ok: true; skipped: "no store" };
    models: { ok: boolean; count: number; problems: string[] };
    /** Agents' MCP servers failing now (see `McpHealth`); informative: they do not make the server unready. */
    mcp?: { problems: string[] };
    /**
     * Routed agents whose student cannot answer (see check-routing.ts): they
     * answer by their teacher, so the server is degraded, not unready.
     */
    routing?: { degraded: string[] };
    /**
     * Channels whose provider is not taking messages (a stale outbound queue,
     * failing sends; see `ChannelHealth`): queued, not lost, so degraded, not unready.
     */
    channels?: { degraded: string[] };
  };
}

/** How long the store may take to answer a trivial query before the server reads as not ready. */
const STORE_TIMEOUT_MS = 2_000;

export interface ReadinessDeps {
  store?: Store;
  models: ModelResolver;
  /** Asks whether a remote model's engine answers (see `createEngineProbe`); without one, engines are not asked. */
  probeEngine?: ProbeEngine;
  /** Where a remote model's `apiKeyEnv` is looked up. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The agents' MCP problems, one public line each (no command, URL or secret). */
  mcpProblems?: () => string[];
  /** Routed agents whose student failed to load or answer (the runtime's `studentProblems`), one public line each. */
  studentProblems?: () => string[];
  /** Channels not getting their messages out, one public line each (agent and kind; no address or token). */
  channelProblems?: () => Promise<string[]>;
}

/**
 * Whether the server can serve: the store answers a trivial indexed query in
 * time, every model in the catalog whose weights are local can be opened and
 * is a GGUF file (its first four bytes; nothing is loaded), and the engine of
 * every remote model answers (`probeEngine`, which keeps its answers a few
 * seconds: one request per engine however often this runs). A problem names
 * the model and what is wrong, never a remote engine's address: `/readyz` is
 * public (the probe logs the address). Never throws.
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  // Listed once, for both the models and the routing checks.
  const catalog = deps.models.list().then(
    (records): Catalog => ({ records }),
    (error: unknown): Catalog => ({ error: messageOf(error) }),
  );
  const [store, models, channelLines] = await Promise.all([
    checkStore(deps.store),
    checkModels(deps, catalog),
    deps.channelProblems?.(),
  ]);
  const mcp = deps.mcpProblems ? { mcp: { problems: deps.mcpProblems() } } : {};
  const routing = await routingReadiness(deps, await catalog, models, store.ok);
  const channels = channelLines ? { channels: { degraded: channelLines } } : {};
  return {
    ready: store.ok && models.check.ok,
    checks: { store, models: models.check, ...mcp, ...routing, ...channels },
  };
}

/** The catalog as `models.list()` gave it, or why it could not be read. */
type Catalog = { records: ModelRecord[]; error?: undefined } | { records?: undefined; error: string };

/** The models check, and each local model's file problem (undefined when none) as it found it. */
interface ModelsCheck {
  check: Readiness["checks"]["models"];
  fileProblems: ReadonlyMap<string, string | undefined>;
}

/**
 * The routing part (only with a store that answers): a problem of a model used
 * only as routed agents' student leaves `models` for `routing.degraded`. A
 * student's file already opened by the models check is not opened again.
 */
async function routingReadiness(
  deps: ReadinessDeps,
  catalog: Catalog,
  models: ModelsCheck,
  storeOk: boolean,
): Promise<Pick<Readiness["checks"], "routing">> {
  if (!deps.store || !storeOk) return {};
  try {
    if (catalog.error !== undefined) throw new Error(catalog.error);
    const { records } = catalog;
    const routing = await checkRouting(deps.store, async (student) =>
      models.fileProblems.has(student)
        ? models.fileProblems.get(student)
        : namedModelProblem(records, student),
    );
    const check = models.check;
    check.problems = check.problems.filter(
      (problem) => ![...routing.studentsOnly].some((name) => problem.startsWith(`${name}: `)),
    );
    check.ok = check.problems.length === 0;
    const named = new Set(routing.degraded.map((line) => line.split(":")[0]));
    const failing = (deps.studentProblems?.() ?? []).filter((line) => !named.has(line.split(":")[0]));
    return { routing: { degraded: [...routing.degraded, ...failing].sort() } };
  } catch (error) {
    return { routing: { degraded: [`the routed agents cannot be read: ${messageOf(error)}`] } };
  }
}

async function checkStore(store: Store | undefined): Promise<Readiness["checks"]["store"]> {
  if (store === undefined) return { ok: true, skipped: "no store" };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.tenants.getBySlug("default"),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${STORE_TIMEOUT_MS} ms`)), STORE_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: messageOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function checkModels(deps: ReadinessDeps, listed: Promise<Catalog>): Promise<ModelsCheck> {
  const { probeEngine } = deps;
  const catalog = await listed;
  const fileProblems = new Map<string, string | undefined>();
  if (catalog.error !== undefined)
    return {
      check: { ok: false, count: 0, problems: [`the catalog cannot be read: ${catalog.error}`] },
      fileProblems,
    };
  const records = catalog.records;
  const problems: string[] = [];
  await Promise.all(
    records.map(async (record) => {
      let source: ReturnType<typeof parseModelSource> | undefined;
      try {
        source = parseModelSource(record.source);
      } catch {
        // `modelFileProblem` below says "its source is not valid", never the source: /readyz is public.
      }
      if (source?.kind === "url") {
        // A remote model has no file (`namedModelProblem` finds none): the engine's answer is a models problem only.
        fileProblems.set(record.name, undefined);
        if (probeEngine === undefined) return;
        const health = await probeEngine(source.baseUrl, apiKeyOf(record.metadata, deps.env ?? process.env));
        if (!health.ok) problems.push(`${record.name}: ${health.problem}`);
        return;
      }
      const problem = await modelFileProblem(record);
      fileProblems.set(record.name, problem);
      if (problem) problems.push(`${record.name}: ${problem}`);
    }),
  );
  return {
    check: { ok: problems.length === 0, count: records.length, problems: problems.sort() },
    fileProblems,
  };
}

/** The remote engine's key, from the variable the model's `apiKeyEnv` names; undefined without one. */
function apiKeyOf(metadata: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  return typeof metadata.apiKeyEnv === "string" ? env[metadata.apiKeyEnv] || undefined : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
