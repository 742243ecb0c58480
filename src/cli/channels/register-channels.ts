import type { Command } from "commander";
import type { CliContext } from "../cli-context.js";
import { findAgentForCli } from "../find-agent-for-cli.js";
import { formatTable } from "../format-table.js";
import { tenantOf, tenantOption } from "../tenant-of.js";

interface TenantOption {
  tenant: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `name=value` pairs; UsageError naming the flag for one without `=`. */
async function pairs(values: string[] | undefined, flag: string): Promise<Record<string, string>> {
  const { UsageError } = await import("../../spec/errors.js");
  const out: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf("=");
    if (at < 1) throw new UsageError(`${flag} takes name=value, not ${JSON.stringify(value)}`);
    out[value.slice(0, at)] = value.slice(at + 1);
  }
  return out;
}

/**
 * `alambique channels`: an agent's channels from the server's machine, on the
 * store directly. Secrets are read from environment variables the command
 * names (`--secret botToken=TELEGRAM_TOKEN`), never from the command line,
 * which other users of the machine can see; they are sealed with
 * `ALAMBIQUE_SECRET_KEY` and never printed.
 */
export function registerChannels(program: Command, context: CliContext): void {
  const channels = program
    .command("channels")
    .description("an agent's WhatsApp, Messenger, Instagram and Telegram channels");
  const configs = async (tenant: string) => {
    const { ChannelConfigs } = await import("../../channels/channel-configs.js");
    const opened = await tenantOf(context, tenant);
    return { ...opened, configs: new ChannelConfigs(opened.store, () => context.env.ALAMBIQUE_SECRET_KEY) };
  };
  const find = async (tenant: string, agentName: string, kind: string) => {
    const { NotFoundError } = await import("../../spec/errors.js");
    const opened = await configs(tenant);
    const agent = await findAgentForCli(opened.store, opened.tenant.id, agentName);
    const record = (await opened.store.channels.list(opened.tenant.id, { agentId: agent.id })).find(
      (c) => c.kind === kind || c.id === kind,
    );
    if (!record) {
      throw new NotFoundError(
        "channel",
        `${agentName} ${kind}`,
        `\`alambique channels list ${agentName}\` shows them`,
      );
    }
    return { ...opened, record };
  };

  channels
    .command("add <agent>")
    .description(
      "connect an agent to telegram, whatsapp, messenger, instagram or email (one channel per kind)",
    )
    .requiredOption("--kind <kind>", "telegram, whatsapp, messenger, instagram or email")
    .option("--secret <name=ENV_VAR>", "a secret read from an environment variable (repeat)", collect)
    .option(
      "--setting <name=value>",
      "a setting: phoneNumberId, pageId, accountId, commentReplies=on, baseUrl, address, imapHost, smtpHost… (repeat)",
      collect,
    )
    .option("--public-url <url>", "the server's public https URL: Telegram's webhook is set to it now")
    .option(...tenantOption)
    .option("--json", "print JSON")
    .action(
      async (
        agentName: string,
        options: TenantOption & {
          kind: string;
          secret?: string[];
          setting?: string[];
          publicUrl?: string;
          json?: boolean;
        },
      ) => {
        const { UsageError } = await import("../../spec/errors.js");
        const { isChannelKind } = await import("../../channels/make-channel.js");
        if (!isChannelKind(options.kind))
          throw new UsageError(
            `--kind must be telegram, whatsapp, messenger, instagram or email, not ${options.kind}`,
          );
        const secrets: Record<string, string> = {};
        for (const [name, variable] of Object.entries(await pairs(options.secret, "--secret"))) {
          const value = context.env[variable];
          if (!value)
            throw new UsageError(
              `--secret ${name}=${variable}: the environment variable ${variable} is not set`,
            );
          secrets[name] = value;
        }
        const { store, tenant, configs: all } = await configs(options.tenant);
        const agent = await findAgentForCli(store, tenant.id, agentName);
        const added = await all.add({
          tenantId: tenant.id,
          agentId: agent.id,
          kind: options.kind,
          settings: await pairs(options.setting, "--setting"),
          secrets,
        });
        const channel = all.open(added.record);
        if (options.publicUrl && channel.connect) {
          await channel.connect(new URL(added.view.webhookPath, options.publicUrl).toString());
        }
        if (options.json) return context.io.out(JSON.stringify(added.view, null, 2));
        context.io.out(`${options.kind} channel ${added.record.id} for ${agent.name}`);
        // E-mail is read from the mailbox over IMAP: it has no webhook to point a provider at.
        if (options.kind === "email") context.io.out("reads the mailbox over IMAP (IDLE): no webhook to set");
        else context.io.out(`webhook: <public URL>${added.view.webhookPath}`);
        if (["whatsapp", "messenger", "instagram"].includes(options.kind) && !secrets.verifyToken) {
          context.io.out(`verify token for Meta's console (shown once): ${added.secrets.verifyToken}`);
        }
      },
    );

  channels
    .command("list [agent]")
    .description("the tenant's channels (never their secrets)")
    .option(...tenantOption)
    .option("--json", "print JSON")
    .action(async (agentName: string | undefined, options: TenantOption & { json?: boolean }) => {
      const { store, tenant, configs: all } = await configs(options.tenant);
      const agent = agentName ? await findAgentForCli(store, tenant.id, agentName) : undefined;
      const views = await all.list(tenant.id, agent?.id);
      if (options.json) return context.io.out(JSON.stringify(views, null, 2));
      if (views.length === 0)
        return context.io.out("No channels: `alambique channels add AGENT --kind telegram …`.");
      const names = new Map((await store.agents.list(tenant.id)).map((a) => [a.id, a.name]));
      context.io.out(
        formatTable([
          ["ID", "AGENT", "KIND", "SECRETS", "WEBHOOK"],
          ...views.map((v) => [
            v.id,
            names.get(v.agentId) ?? v.agentId,
            v.kind,
            v.secretNames.join(","),
            v.kind === "email" ? "(IMAP)" : v.webhookPath,
          ]),
        ]),
      );
    });

  channels
    .command("test <agent> <kind>")
    .description("check the channel's credentials with its provider and say what is wrong")
    .option(...tenantOption)
    .option("--json", "print JSON")
    .action(async (agentName: string, kind: string, options: TenantOption & { json?: boolean }) => {
      const { record, configs: all } = await find(options.tenant, agentName, kind);
      const check = await all.test(record);
      context.exitCode = check.ok ? 0 : 1;
      if (options.json) return context.io.out(JSON.stringify(check, null, 2));
      if (check.ok) {
        context.io.out(
          `ok: ${Object.entries(check.details)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")}`,
        );
      } else {
        for (const problem of check.problems) context.io.out(`problem: ${problem}`);
      }
    });

  channels
    .command("remove <agent> <kind>")
    .description("disconnect a channel (its queued messages go with it)")
    .option(...tenantOption)
    .action(async (agentName: string, kind: string, options: TenantOption) => {
      const { store, tenant, record } = await find(options.tenant, agentName, kind);
      await store.channels.remove(tenant.id, record.id);
      context.io.out(`removed ${record.kind} channel ${record.id} of ${agentName}`);
    });
}
