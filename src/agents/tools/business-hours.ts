/**
 * Whether a business is open at an instant, computed in its own time zone:
 * today's hours, when the current opening ends, and the next opening.
 *
 * Rules: `closedOn` dates (local) have no openings; a weekday absent from
 * `weekly`, or with an empty list, has none either; an interval whose close is
 * not after its open (`20:00`–`02:00`, `18:00`–`00:00`) ends the next day, and
 * still belongs to the day it started on (a closed day after it does not cut
 * it short); back-to-back intervals count as one opening.
 */
import type { BusinessHours } from "../../spec/agent.js";
import {
  addDays,
  formatMinutes,
  parseHhmm,
  toInstant,
  toLocal,
  type Weekday,
  weekdayOf,
} from "./zoned-time.js";

export interface LocalMoment {
  date: string;
  weekday: Weekday;
  /** HH:MM, 24-hour, local. */
  time: string;
}

export interface BusinessHoursStatus {
  timeZone: string;
  now: LocalMoment;
  openNow: boolean;
  /** When open: when this opening ends; null when closed. */
  closesAt: LocalMoment | null;
  today: {
    date: string;
    weekday: Weekday;
    hours: { open: string; close: string }[];
    closedAllDay: null | "closed_on" | "no_hours";
  };
  /** The next opening after now (after the current one when open); null when none within ~13 months. */
  nextOpening: (LocalMoment & { at: string; inMinutes: number }) | null;
  /** One sentence for the model. */
  summary: string;
}

interface Opening {
  start: Date;
  end: Date;
}

const searchDays = 400;
const dayNames: Record<Weekday, string> = {
  sun: "Sunday",
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
};

export function businessHoursAt(hours: BusinessHours, now: Date): BusinessHoursStatus {
  const { timeZone } = hours;
  const local = toLocal(now, timeZone);
  const moment = (instant: Date): LocalMoment => {
    const at = toLocal(instant, timeZone);
    return { date: at.date, weekday: weekdayOf(at.date), time: formatMinutes(at.minutes) };
  };

  const around = [...openingsOn(hours, addDays(local.date, -1)), ...openingsOn(hours, local.date)];
  let current = around.find((opening) => opening.start <= now && now < opening.end);
  let end = current?.end;
  // Back-to-back openings (14:00–18:00 after 09:00–14:00, or past midnight) extend the current one.
  for (let day = -1; current !== undefined && end !== undefined && day < 3; day++) {
    for (const next of openingsOn(hours, addDays(local.date, day))) {
      if (next.start <= end && next.end > end) end = next.end;
    }
  }
  if (current !== undefined && end !== undefined) current = { start: current.start, end };

  const after = current?.end ?? now;
  let nextOpening: BusinessHoursStatus["nextOpening"] = null;
  for (let day = 0; day < searchDays && nextOpening === null; day++) {
    const next = openingsOn(hours, addDays(local.date, day)).find((opening) => opening.start > after);
    if (next !== undefined) {
      nextOpening = {
        ...moment(next.start),
        at: next.start.toISOString(),
        inMinutes: Math.round((next.start.getTime() - now.getTime()) / 60_000),
      };
    }
  }

  const weekday = weekdayOf(local.date);
  const todays = hours.weekly[weekday] ?? [];
  const closedOn = hours.closedOn.includes(local.date);
  const status: BusinessHoursStatus = {
    timeZone,
    now: moment(now),
    openNow: current !== undefined,
    closesAt: current === undefined ? null : moment(current.end),
    today: {
      date: local.date,
      weekday,
      hours: closedOn ? [] : todays.map(({ open, close }) => ({ open, close })),
      closedAllDay: closedOn ? "closed_on" : todays.length === 0 ? "no_hours" : null,
    },
    nextOpening,
    summary: "",
  };
  status.summary = summarize(status);
  return status;
}

/** The openings that start on a local date, earliest first. */
function openingsOn(hours: BusinessHours, date: string): Opening[] {
  if (hours.closedOn.includes(date)) return [];
  return (hours.weekly[weekdayOf(date)] ?? [])
    .map(({ open, close }) => {
      const openMinutes = parseHhmm(open);
      const closeMinutes = parseHhmm(close);
      const closeDate = closeMinutes <= openMinutes ? addDays(date, 1) : date;
      return {
        start: toInstant(date, openMinutes, hours.timeZone),
        end: toInstant(closeDate, closeMinutes, hours.timeZone),
      };
    })
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

function summarize(status: BusinessHoursStatus): string {
  const { now, timeZone } = status;
  const clock = `it is ${dayNames[now.weekday]} ${now.date} ${now.time} in ${timeZone}`;
  const when = (at: LocalMoment) =>
    at.date === now.date ? at.time : `${dayNames[at.weekday]} ${at.date} at ${at.time}`;
  if (status.openNow && status.closesAt !== null)
    return `Open now until ${when(status.closesAt)} (${clock}).`;
  const today =
    status.today.closedAllDay === "closed_on"
      ? " Closed all day today (a day off)."
      : status.today.closedAllDay === "no_hours"
        ? ` Closed on ${dayNames[status.today.weekday]}s.`
        : "";
  const next =
    status.nextOpening === null
      ? " No opening hours are set for the coming months."
      : ` Opens ${when(status.nextOpening)}, in ${duration(status.nextOpening.inMinutes)}.`;
  return `Closed now (${clock}).${today}${next}`;
}

function duration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  return `${Math.round(minutes / 1440)} days`;
}
