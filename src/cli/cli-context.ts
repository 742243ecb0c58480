import { loadConfig } from "../config/load-config.js";
import { createLogger, type Logger } from "../log/create-logger.js";
import type { ResolvedConfig } from "../spec/config.js";
import type { Store } from "../spec/store.js";

/** Options every command accepts (placed before or after the command name). */
export interface GlobalOptions {
  data?: string;
  config?: string;
  verbose?: boolean;
}

export interface Output {
  /** A line of the command's result, on stdout. */
  out(text: string): void;
  /** Part of the result as it is produced (streamed text), on stdout, with no newline added. */
  write(text: string): void;
  /** A line for the person (progress, warnings, errors), on stderr. */
  err(text: string): void;
}

/**
 * What a command needs besides its own flags. Config and logger are created on
 * first use so that `--help` and commands that need neither start instantly,
 * and so that a broken config file only fails the commands that read it.
 */
export class CliContext {
  /** What the process should exit with when the command returns normally (e.g. doctor found problems). */
  exitCode = 0;
  private resolved: ResolvedConfig | undefined;
  private log: Logger | undefined;
  private opened: Promise<Store> | undefined;
  private readonly cleanups: (() => Promise<void>)[] = [];
  /** Overrides `store.migrateOnStart` (a command's `--no-migrate`). */
  migrateOnOpen: boolean | undefined;

  constructor(
    readonly globals: GlobalOptions,
    readonly io: Output,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get config(): ResolvedConfig {
    this.resolved ??= loadConfig({ file: this.globals.config, dataDir: this.globals.data, env: this.env });
    return this.resolved;
  }

  get logger(): Logger {
    this.log ??= createLogger({ level: this.globals.verbose ? "debug" : this.logLevelOrWarn() });
    return this.log;
  }

  /** The configured store, opened (and migrated) on first use; closed by `close()`. */
  store(): Promise<Store> {
    this.opened ??= import("../store/index.js").then(({ openStore }) =>
      openStore(this.config.storeUrl, {
        busyTimeoutMs: this.config.store.busyTimeoutMs,
        migrate: this.migrateOnOpen ?? this.config.store.migrateOnStart,
        logger: this.logger,
      }),
    );
    return this.opened;
  }

  /** Registers work to do when the command ends (unload models, stop servers), last registered first. */
  onClose(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /** Releases what the command opened. Safe to call when nothing was opened. */
  async close(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await opened.then((store) => store.close()).catch(() => undefined);
  }

  /** One-shot commands log warnings and up unless the config or `--verbose` asks for more. */
  private logLevelOrWarn() {
    try {
      return this.config.log.level === "info" ? "warn" : this.config.log.level;
    } catch {
      return "warn";
    }
  }
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  write: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(`${text}\n`),
};
