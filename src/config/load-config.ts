import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { type Config, configSchema, type ResolvedConfig } from "../spec/config.js";
import { ConfigError } from "../spec/errors.js";
import { readYamlFile } from "./read-yaml-file.js";

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
  return readYamlFile(file, configSchema, {
    topLevel: "a mapping of keys (dataDir, server, store, models, …)",
    hint: "see the configuration reference in the README (alambique.yaml)",
  });
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
