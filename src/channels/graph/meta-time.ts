/**
 * A Graph webhook's time as ISO-8601 UTC: seconds (WhatsApp, `changes`) or
 * milliseconds (Messenger's `messaging`), told apart by size; now when absent
 * or not a number.
 */
export function metaTime(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return new Date().toISOString();
  return new Date(value < 1e12 ? value * 1000 : value).toISOString();
}
