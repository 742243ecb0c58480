/**
 * Wall-clock dates and times in an IANA time zone, with nothing but `Intl`.
 * A local date is `YYYY-MM-DD`; a local time is minutes after midnight
 * (0–1439). Instants are `Date`s. Conversions go through the zone's offset at
 * the instant in question, so days of 23 or 25 hours (DST changes) come out right.
 */
export const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof weekdays)[number];

export interface LocalDateTime {
  /** YYYY-MM-DD */
  date: string;
  /** Minutes after local midnight, 0–1439. */
  minutes: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall-clock date and time at `instant` in `timeZone` (seconds dropped). */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, string> = {};
  for (const part of formatFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` `minutes`.
 * A time skipped by a DST change (02:30 on a spring-forward night) gives the
 * instant the clock jumped to, shifted by the same amount (03:30); a time that
 * occurs twice (autumn) gives the first.
 */
export function toInstant(date: string, minutes: number, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  const offsetBefore = offsetAt(new Date(wall - 86_400_000), timeZone);
  const offsetAfter = offsetAt(new Date(wall + 86_400_000), timeZone);
  // Try both offsets around the wall time; the earliest instant that shows it wins.
  const candidates = [wall - Math.max(offsetBefore, offsetAfter), wall - Math.min(offsetBefore, offsetAfter)];
  for (const candidate of candidates) {
    const local = toLocal(new Date(candidate), timeZone);
    if (local.date === date && local.minutes === minutes) return new Date(candidate);
  }
  // In a gap: the clock never shows this time; use the offset from before the change.
  return new Date(wall - offsetBefore);
}

/** The zone's offset from UTC at `instant`, in ms (Madrid in summer: +7_200_000). */
function offsetAt(instant: Date, timeZone: string): number {
  const local = toLocal(instant, timeZone);
  const wall = Date.parse(`${local.date}T00:00:00Z`) + local.minutes * 60_000;
  return wall - Math.floor(instant.getTime() / 60_000) * 60_000;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function weekdayOf(date: string): Weekday {
  return weekdays[new Date(`${date}T00:00:00Z`).getUTCDay()] as Weekday;
}

export function formatMinutes(minutes: number): string {
  const wrapped = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(wrapped / 60)).padStart(2, "0")}:${String(wrapped % 60).padStart(2, "0")}`;
}

export function parseHhmm(text: string): number {
  const [hours, minutes] = text.split(":");
  return Number(hours) * 60 + Number(minutes);
}
