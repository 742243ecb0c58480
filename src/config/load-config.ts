import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { type Config, configSchema, type ResolvedConfig } from "../spec/config.js";
import { ConfigError } from "../spec/errors.js";

export interface LoadConfigOptions {
  /** An explicit file (`--config`). When absent, `./alambique.yaml` is read if it exists. */
  file?: string;
  /** `--data`: wins over the environment and the file. */
  dataDir?: string;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to `process.cwd()`. */
  cwd?: string;
}

export const DEFAULT_CONFIG_FILE = "alambique.yaml";

/**
 * Reads the configuration: defaults, then the YAML file, then environment
 * variables (`ALAMBIQUE_DATA`, `DATABASE_URL`, `PORT`, `ALAMBIQUE_LOG_LEVEL`),
 * then flags. Relative paths in the file are relative to the file's folder;
 * relative paths from flags and the environment are relative to `cwd`.
 *
 * Throws `ConfigError` naming the file, line, column and key path, or the
 * environment variable, and what was expected. Never writes anything.
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env.ALAMBIQUE_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, DEFAULT_CONFIG_FILE);
  const present = existsSync(file);
  if (explicit && !present) {
    throw new ConfigError("file not found", {
      location: file,
      hint: "check the --config path, or leave it out to use defaults",
    });
  }
  const config = present ? readConfigFile(file) : configSchema.parse({});
  const base = present ? dirname(file) : cwd;

  let dataPath = resolve(base, config.dataDir);
  if (env.ALAMBIQUE_DATA) dataPath = resolve(cwd, env.ALAMBIQUE_DATA);
  if (options.dataDir) dataPath = resolve(cwd, options.dataDir);

  if (env.PORT !== undefined && env.PORT !== "") config.server.port = parsePort(env.PORT);
  if (env.ALAMBIQUE_LOG_LEVEL) config.log.level = parseLogLevel(env.ALAMBIQUE_LOG_LEVEL);

  let storeUrl = config.store.url ?? "alambique.db";
  if (env.DATABASE_URL) storeUrl = env.DATABASE_URL;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(storeUrl) && storeUrl !== ":memory:" && !isAbsolute(storeUrl)) {
    storeUrl = resolve(dataPath, storeUrl.replace(/^sqlite:/, ""));
  }
  return { ...config, file: present ? file : null, dataPath, storeUrl };
}

function readConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new ConfigError(`cannot read the file (${(cause as Error).message})`, { location: file, cause });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = lines.linePos(syntax.pos[0]);
    throw new ConfigError(`invalid YAML at line ${at.line}, column ${at.col}: ${firstLine(syntax.message)}`, {
      location: file,
      hint: "fix the YAML syntax at that position (indentation, a missing colon, an unclosed quote)",
      cause: syntax,
    });
  }
  const raw = doc.toJS() ?? {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError("expected a mapping of keys (dataDir, server, store, models, …) at the top level", {
      location: file,
    });
  }
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw issueToError(file, doc, lines, parsed.error.issues[0]!);
}

function issueToError(file: string, doc: Document, lines: LineCounter, issue: z.core.$ZodIssue): ConfigError {
  const path = [...issue.path] as (string | number)[];
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const range = rangeAt(doc, keys.length > 0 ? [...path, keys[0]!] : path);
  const where = range ? lines.linePos(range[0]) : undefined;
  const keyPath = [...path, ...keys.slice(0, 1)].join(".") || "(top level)";
  const position = where ? `line ${where.line}, column ${where.col}: ` : "";
  const message =
    issue.code === "unrecognized_keys"
      ? `unknown key ${keys.map((k) => `"${k}"`).join(", ")}${path.length ? ` in ${path.join(".")}` : ""}`
      : issue.message;
  return new ConfigError(`${position}${keyPath}: ${message}`, {
    location: file,
    hint: "see the configuration reference in the README (alambique.yaml)",
  });
}

/**
 * The source range of the deepest part of `path` present in the document: the
 * key of a mapping entry (a person looks for the key, not the value) or the
 * item of a sequence. Falls back to the whole document.
 */
function rangeAt(doc: Document, path: (string | number)[]): [number, number, number] | null | undefined {
  for (let n = path.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const last = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      if (pair && isNode(pair.key)) return pair.key.range;
    } else if (isSeq(parent) && typeof last === "number") {
      const item = parent.items[last];
      if (isNode(item)) return item.range;
    }
  }
  return isNode(doc.contents) ? doc.contents.range : undefined;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`expected a port number from 0 to 65535, got "${value}"`, {
      location: "environment variable PORT",
      hint: "set PORT to a number such as 8787, or unset it",
    });
  }
  return port;
}

const levels = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

function parseLogLevel(value: string): Config["log"]["level"] {
  const level = levels.find((l) => l === value.toLowerCase());
  if (!level) {
    throw new ConfigError(`expected one of ${levels.join(", ")}, got "${value}"`, {
      location: "environment variable ALAMBIQUE_LOG_LEVEL",
    });
  }
  return level;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
