import type { ChannelHealth } from "../../channels/channel-health.js";
import { ageMs } from "../../channels/channel-health.js";
import { Gauge, type Labels, renderMetrics } from "./prometheus-text.js";

type Direction = "inbound" | "outbound";

/**
 * The channels' part of `/metrics`, by channel kind (a few values: labels stay
 * few however many tenants): messages queued each way, the oldest queued
 * one's age, and this process's sends and send failures. The queues come
 * from `health.snapshot()` (one store query, cached about a second); when
 * the store cannot be read, the queue gauges are left out rather than shown
 * as zero.
 */
export async function renderChannelMetrics(health: ChannelHealth): Promise<string> {
  const queued = new Map<string, number>();
  const oldest = new Map<string, number>();
  let readable = true;
  try {
    const { at, channels } = await health.snapshot();
    for (const channel of channels) {
      const sides: [Direction, number, string | null][] = [
        ["inbound", channel.inboundQueued, channel.oldestInboundAt],
        ["outbound", channel.outboundQueued, channel.oldestOutboundAt],
      ];
      for (const [direction, count, since] of sides) {
        const key = `${channel.kind}\u0001${direction}`;
        queued.set(key, (queued.get(key) ?? 0) + count);
        oldest.set(key, Math.max(oldest.get(key) ?? 0, (ageMs(since, at) ?? 0) / 1000));
      }
    }
  } catch {
    readable = false;
  }
  const sends = [...health.sends()];
  const byKind = (values: Map<string, number>): [Labels, number][] =>
    [...values].map(([key, value]) => {
      const [kind, direction] = key.split("\u0001") as [string, Direction];
      return [{ kind, direction }, value];
    });
  const metrics = [
    new Gauge(
      "alambique_channel_sends_total",
      "Messages a provider accepted, by channel kind (this process).",
      () => sends.map(([kind, n]) => [{ kind }, n.sent]),
      "counter",
    ),
    new Gauge(
      "alambique_channel_send_failures_total",
      "Sends a provider refused or did not answer (retried or given up), by channel kind (this process).",
      () => sends.map(([kind, n]) => [{ kind }, n.failed]),
      "counter",
    ),
  ];
  if (readable) {
    metrics.push(
      new Gauge(
        "alambique_channel_queued_messages",
        "Messages queued in the store, by channel kind and direction (inbound: waiting for a turn; outbound: for the provider).",
        () => byKind(queued),
      ),
      new Gauge(
        "alambique_channel_oldest_queued_age_seconds",
        "Age of the oldest queued message, by channel kind and direction (0 when none).",
        () => byKind(oldest),
      ),
    );
  }
  return renderMetrics(metrics);
}
