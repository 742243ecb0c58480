import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { formatTable } from "../format-table.js";
import { tenantOf, tenantOption } from "../tenant-of.js";

interface TenantOption {
  tenant: string;
}

/**
 * `alambique keys`: the operator's way to API keys from the machine itself,
 * for when the bootstrap key is lost or a widget needs a key before anything
 * can call `/api/keys`. Works on the store directly, as every other command.
 */
export function registerKeys(program: Command, context: CliContext): void {
  const keys = program.command("keys").description("API keys: list, create (shown once), revoke");
  keys
    .command("list")
    .description("a tenant's keys, revoked ones included (never their secrets: only hashes are stored)")
    .option(...tenantOption)
    .option("--json", "print JSON")
    .action(async (options: TenantOption & { json?: boolean }) => {
      const { store, tenant } = await tenantOf(context, options.tenant);
      const list = await store.apiKeys.list(tenant.id);
      if (options.json) return context.io.out(JSON.stringify(list, null, 2));
      if (list.length === 0)
        return context.io.out(`No keys in ${tenant.slug}: \`alambique keys create --name NAME\`.`);
      const rows = list.map((k) => [
        k.id,
        k.name,
        `${k.prefix}…`,
        k.scopes.join(","),
        k.createdAt,
        k.lastUsedAt ?? "never",
        k.revokedAt ?? "",
      ]);
      context.io.out(
        formatTable([["ID", "NAME", "PREFIX", "SCOPES", "CREATED", "LAST USED", "REVOKED"], ...rows]),
      );
    });

  keys
    .command("create")
    .description("a new key; its secret is printed once, on standard output")
    .requiredOption("--name <name>", "what the key is for (`web widget`, `ops`)")
    .option(
      "--scope <scope>",
      "admin (everything in the tenant) or chat (/v1 and its own conversations)",
      "chat",
    )
    .option(...tenantOption)
    .action(async (options: TenantOption & { name: string; scope: string }) => {
      const { UsageError } = await import("../../spec/errors.js");
      if (options.scope !== "admin" && options.scope !== "chat") {
        throw new UsageError(`--scope must be admin or chat, not ${options.scope}`);
      }
      if (options.name.trim() === "") throw new UsageError("--name must not be empty");
      const { store, tenant } = await tenantOf(context, options.tenant);
      const { key, secret } = await store.apiKeys.create({
        tenantId: tenant.id,
        name: options.name.trim(),
        scopes: [options.scope],
      });
      context.io.err(
        `${options.scope} key ${key.id} of ${tenant.slug}; save the secret now, it is not shown again:`,
      );
      context.io.out(secret);
    });

  keys
    .command("revoke <id>")
    .description("revoke a key at once (by its id, or the start of it)")
    .option(...tenantOption)
    .action(async (id: string, options: TenantOption) => {
      const { NotFoundError, UsageError } = await import("../../spec/errors.js");
      if (id.length < 8) throw new UsageError("give at least the first 8 characters of the key's id");
      const { store, tenant } = await tenantOf(context, options.tenant);
      const matches = (await store.apiKeys.list(tenant.id)).filter((k) => k.id.startsWith(id));
      if (matches.length === 0)
        throw new NotFoundError("API key", id, "`alambique keys list` shows the keys");
      if (matches.length > 1)
        throw new UsageError(`${id} matches ${matches.length} keys: give more of the id`);
      await store.apiKeys.revoke(tenant.id, matches[0]!.id);
      context.io.out(`revoked ${matches[0]!.id} (${matches[0]!.name})`);
    });
}
