/**
 * Outbound calls of tenants' tools (webhooks, MCP over HTTP) kept to the
 * public internet: one server hosts many businesses, and a tenant must not be
 * able to make it call what only the server can reach (its own admin ports on
 * loopback, a cloud's metadata service at 169.254.169.254, the office LAN).
 *
 * The check happens when the connection is made, on the addresses the name
 * resolves to at that moment (a DNS answer that changes between a check and
 * the connect cannot slip through), and again for every redirect. The
 * operator's own tenant is not restricted: its agents may call services on
 * the server's network, as the demo's order-status webhook on loopback does.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import type { Agent } from "undici";
import { AlambiqueError, errorMarker, hasErrorMarker } from "../../spec/errors.js";

/** Who may be called: anything (the operator's agents) or public addresses only (every other tenant's). */
export type NetworkPolicy = "any" | "public";

/** Special-purpose ranges (IANA's IPv4 and IPv6 special-purpose address registries) that are not the internet. */
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 96], // unspecified, loopback, and IPv4-compatible ::a.b.c.d (deprecated; some stacks reach IPv4 with it)
  ["::ffff:0:0:0", 96], // IPv4-translated (SIIT)
  ["64:ff9b:1::", 48], // local-use IPv4/IPv6 translation
  ["2001::", 32], // Teredo: an IPv4 address and port inside
  ["2002::", 16], // 6to4: an IPv4 address inside
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** IPv4 addresses carried inside IPv6 (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`), as IPv4 text. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  for (const prefix of ["::ffff:", "64:ff9b::"]) {
    if (!lower.startsWith(prefix)) continue;
    const rest = lower.slice(prefix.length);
    if (isIP(rest) === 4) return rest;
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
    if (hex) {
      const high = Number.parseInt(hex[1]!, 16);
      const low = Number.parseInt(hex[2]!, 16);
      return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
    }
  }
  return undefined;
}

/** Whether `address` (an IP literal) is on the public internet. Anything else, or not an IP, is false. */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return false;
  if (family === 6) {
    const inner = embeddedIpv4(bare);
    if (inner !== undefined) return isPublicAddress(inner);
    return !blocked.check(bare, "ipv6");
  }
  return !blocked.check(bare, "ipv4");
}

const privateAddressMarker = errorMarker("PrivateAddressError");

/**
 * The error a refused connection fails with (the `cause` of fetch's
 * TypeError): `address_refused`, 403, not retryable. `host` is the name (or
 * IP literal) asked for, `address` the one it resolved to: kept for the
 * server's log, never in the message, which reaches the tenant (a tenant must
 * not map the server's internal DNS names to addresses through it).
 */
export class PrivateAddressError extends AlambiqueError {
  readonly [privateAddressMarker] = true;
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} is not a public internet address`, {
      code: "address_refused",
      status: 403,
      retryable: false,
      hint: "this tenant's tools may call only public internet addresses: give the tool a public URL",
    });
  }

  static override isInstance(value: unknown): value is PrivateAddressError {
    return hasErrorMarker(value, privateAddressMarker);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** `dns.lookup` for net.connect that hands out only the addresses `allowed` admits. */
function guardedLookup(allowed: (address: string) => boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const open = addresses.filter((entry) => allowed(entry.address));
      if (open.length === 0)
        return callback(new PrivateAddressError(hostname, addresses[0]?.address ?? "?"), []);
      if (options.all) return callback(null, open);
      return callback(null, open[0]!.address, open[0]!.family);
    });
  };
}

/** undici, imported on the first guarded call (~0.2 s of CPU that a `serve` whose tools call nobody does not pay). */
const importUndici = () => import("undici");
let undiciModule: ReturnType<typeof importUndici> | undefined;
const loadUndici = () => {
  undiciModule ??= importUndici();
  return undiciModule;
};

/**
 * `fetch` that connects only to addresses `allowed` admits: an IP literal is
 * checked before anything is sent, a host name's addresses when its
 * connection is made. Redirects are the caller's (use `redirect: "manual"`);
 * each is a new request through here.
 */
export function createGuardedFetch(allowed: (address: string) => boolean): typeof fetch {
  let agent: Agent | undefined;
  const guarded: typeof fetch = async (input, init) => {
    // A Request (the global class) is taken apart: undici's own fetch wants its own Request class.
    if (input instanceof Request) {
      const { method, headers, body } = input;
      return guarded(input.url, { method, headers, ...(body ? { body, duplex: "half" } : {}), ...init });
    }
    const url = new URL(String(input));
    const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(host) !== 0 && !allowed(host)) {
      throw new TypeError("fetch failed", { cause: new PrivateAddressError(host, host) });
    }
    const undici = await loadUndici();
    agent ??= new undici.Agent({ connect: { lookup: guardedLookup(allowed) as never } });
    // undici's own fetch: the dispatcher option belongs to it (Node's global fetch bundles another copy).
    return (await undici.fetch(url, { ...(init as object), dispatcher: agent })) as unknown as Response;
  };
  return guarded;
}

/** `fetch` restricted to public internet addresses. */
export const publicFetch: typeof fetch = createGuardedFetch(isPublicAddress);

/** The fetch for a policy: the global one, or `publicFetch`. */
export function fetchFor(policy: NetworkPolicy): typeof fetch {
  return policy === "public" ? publicFetch : fetch;
}

/** Whether an error (fetch's, or its cause) is a refused private address; returns it. */
export function privateAddressOf(error: unknown): PrivateAddressError | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (PrivateAddressError.isInstance(current)) return current;
    current = current.cause;
  }
  return undefined;
}
