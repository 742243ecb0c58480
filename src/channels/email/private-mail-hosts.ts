import { lookup } from "node:dns/promises";
import { isPublicAddress } from "../../agents/tools/public-network.js";

/**
 * The mail hosts of an e-mail channel's settings (`imapHost`, `smtpHost`)
 * that are not on the public internet, or do not resolve: loopback, the
 * server's LAN, a cloud's metadata address. A tenant other than the
 * operator's may not name them, since the server would connect there with
 * the credentials and `test` would tell what answers. Checked when the
 * channel is added, on the addresses the names resolve to then.
 */
export async function privateMailHosts(settings: Record<string, unknown> | undefined): Promise<string[]> {
  const found: string[] = [];
  for (const field of ["imapHost", "smtpHost"] as const) {
    const host = settings?.[field];
    if (typeof host !== "string") continue;
    const bare = host.replace(/^\[|\]$/g, "");
    const addresses = await lookup(bare, { all: true }).catch(() => []);
    if (addresses.length === 0 || addresses.some((a) => !isPublicAddress(a.address))) found.push(field);
  }
  return found;
}
