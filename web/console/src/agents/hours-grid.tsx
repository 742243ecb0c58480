import type { Words } from "../i18n/words.js";
import { Field } from "../ui/field.js";
import { LinesInput } from "../ui/lines-input.js";
import { issuesAt, type SpecIssues } from "./spec-issues.js";

export const weekDays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Day = (typeof weekDays)[number];
interface Interval {
  open: string;
  close: string;
}
export interface HoursDraft {
  timeZone?: string;
  weekly?: Partial<Record<Day, Interval[]>>;
  closedOn?: string[];
}

/**
 * The agent's opening hours as a week grid: a row per day, each with its
 * intervals (a bakery opens 8–14 and 17–20), "+" adds one, a day with none is
 * closed. No hours at all (`businessHours` absent): always open. Problems show
 * on the day's row (`businessHours.weekly.mon.0.open`).
 */
export function HoursGrid(props: {
  hours: HoursDraft | undefined;
  issues: SpecIssues;
  words: Words;
  onChange(hours: HoursDraft | undefined): void;
}) {
  const { hours, issues, words } = props;
  const w = words.hours;
  if (!hours) {
    return (
      <fieldset className="hours">
        <legend>{w.title}</legend>
        <p className="help">{w.alwaysOpen}</p>
        <button
          type="button"
          className="secondary"
          onClick={() =>
            props.onChange({
              timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
              weekly: Object.fromEntries(
                weekDays.slice(0, 5).map((d) => [d, [{ open: "09:00", close: "18:00" }]]),
              ),
            })
          }
        >
          {w.set}
        </button>
      </fieldset>
    );
  }
  const weekly = hours.weekly ?? {};
  const setDay = (day: Day, intervals: Interval[]) => {
    const next = { ...weekly, [day]: intervals };
    if (intervals.length === 0) delete next[day];
    props.onChange({ ...hours, weekly: next });
  };
  return (
    <fieldset className="hours">
      <legend>{w.title}</legend>
      <Field label={w.timeZone} help={w.timeZoneHelp} errors={issuesAt(issues, "businessHours.timeZone")}>
        {(a) => (
          <input
            {...a}
            value={hours.timeZone ?? ""}
            onChange={(e) => props.onChange({ ...hours, timeZone: e.target.value })}
          />
        )}
      </Field>
      <table className="week">
        <tbody>
          {weekDays.map((day) => {
            const intervals = weekly[day] ?? [];
            const errors = issuesAt(issues, `businessHours.weekly.${day}`);
            return (
              <tr key={day} className={errors.length ? "invalid" : undefined}>
                <th scope="row">{w.days[day]}</th>
                <td>
                  {intervals.length === 0 && <span className="muted">{w.closed}</span>}
                  {intervals.map((interval, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: an interval has no identity but its place in the day
                    <span className="interval" key={i}>
                      <input
                        type="time"
                        aria-label={`${w.days[day]} ${w.opens} ${i + 1}`}
                        value={interval.open}
                        onChange={(e) =>
                          setDay(
                            day,
                            intervals.map((x, j) => (j === i ? { ...x, open: e.target.value } : x)),
                          )
                        }
                      />
                      –
                      <input
                        type="time"
                        aria-label={`${w.days[day]} ${w.closes} ${i + 1}`}
                        value={interval.close}
                        onChange={(e) =>
                          setDay(
                            day,
                            intervals.map((x, j) => (j === i ? { ...x, close: e.target.value } : x)),
                          )
                        }
                      />
                      <button
                        type="button"
                        className="secondary small"
                        aria-label={`${w.removeInterval} (${w.days[day]})`}
                        onClick={() =>
                          setDay(
                            day,
                            intervals.filter((_, j) => j !== i),
                          )
                        }
                      >
                        ×
                      </button>
                    </span>
                  ))}
                  <button
                    type="button"
                    className="secondary small"
                    aria-label={`${w.addInterval} (${w.days[day]})`}
                    onClick={() => setDay(day, [...intervals, { open: "09:00", close: "14:00" }])}
                  >
                    +
                  </button>
                  {errors.length > 0 && (
                    <ul className="field-errors">
                      {[...new Set(errors)].map((m) => (
                        <li key={m}>{m}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Field label={w.closedOn} help={w.closedOnHelp} errors={issuesAt(issues, "businessHours.closedOn")}>
        {(a) => (
          <LinesInput
            {...a}
            rows={2}
            value={hours.closedOn}
            onLines={(closedOn) => props.onChange({ ...hours, closedOn })}
          />
        )}
      </Field>
      <button type="button" className="secondary" onClick={() => props.onChange(undefined)}>
        {w.clear}
      </button>
    </fieldset>
  );
}
