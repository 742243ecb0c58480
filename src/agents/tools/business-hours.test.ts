import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BusinessHours, businessHoursSchema } from "../../spec/agent.js";
import { createToolTestWorld, type ToolTestWorld } from "./__fixtures__/tool-test-context.js";
import { executeAgentTool } from "./agent-tool.js";
import { businessHoursAt } from "./business-hours.js";
import { businessHoursTool } from "./business-hours-tool.js";
import { toInstant, toLocal } from "./zoned-time.js";

const weekday = [
  { open: "09:00", close: "14:00" },
  { open: "17:00", close: "20:00" },
];
const madrid: BusinessHours = businessHoursSchema.parse({
  timeZone: "Europe/Madrid",
  weekly: {
    mon: weekday,
    tue: weekday,
    wed: weekday,
    thu: weekday,
    fri: weekday,
    sat: [{ open: "10:00", close: "14:00" }],
  },
  closedOn: ["2026-04-03"],
});

const at = (iso: string) => businessHoursAt(madrid, new Date(iso));

describe("businessHoursAt", () => {
  it("is open during an interval and says when it closes and reopens", () => {
    const status = at("2026-03-30T08:15:00Z"); // Monday 10:15 CEST
    expect(status).toMatchObject({
      openNow: true,
      now: { date: "2026-03-30", weekday: "mon", time: "10:15" },
      closesAt: { date: "2026-03-30", time: "14:00" },
      today: { weekday: "mon", hours: weekday, closedAllDay: null },
      nextOpening: { date: "2026-03-30", time: "17:00", at: "2026-03-30T15:00:00.000Z", inMinutes: 405 },
    });
    expect(status.summary).toBe("Open now until 14:00 (it is Monday 2026-03-30 10:15 in Europe/Madrid).");
  });

  it("is closed between intervals, at the close minute, and after the last one", () => {
    expect(at("2026-03-30T13:00:00Z")).toMatchObject({
      openNow: false,
      nextOpening: { time: "17:00", inMinutes: 120 },
    });
    expect(at("2026-03-30T12:00:00Z").openNow).toBe(false); // 14:00 exactly: closed
    expect(at("2026-03-30T11:59:00Z").openNow).toBe(true);
    expect(at("2026-03-30T18:30:00Z")).toMatchObject({
      openNow: false,
      nextOpening: { date: "2026-03-31", time: "09:00" },
    });
  });

  it("counts the hours across the spring DST change (a 23-hour Sunday)", () => {
    const status = at("2026-03-28T19:00:00Z"); // Saturday 20:00 CET
    expect(status).toMatchObject({
      openNow: false,
      now: { weekday: "sat", time: "20:00" },
      nextOpening: {
        date: "2026-03-30",
        weekday: "mon",
        time: "09:00",
        at: "2026-03-30T07:00:00.000Z",
        inMinutes: 36 * 60,
      },
    });
    expect(status.summary).toContain("Opens Monday 2026-03-30 at 09:00, in 36 h.");
  });

  it("counts the hours across the autumn DST change (a 25-hour Sunday)", () => {
    const status = at("2026-10-24T19:00:00Z"); // Saturday 21:00 CEST
    expect(status.nextOpening).toMatchObject({
      date: "2026-10-26",
      time: "09:00",
      at: "2026-10-26T08:00:00.000Z",
      inMinutes: 37 * 60,
    });
  });

  it("skips closedOn days and weekdays without hours", () => {
    expect(at("2026-04-02T18:30:00Z")).toMatchObject({
      openNow: false,
      nextOpening: { date: "2026-04-04", weekday: "sat", time: "10:00" },
    });
    const holiday = at("2026-04-03T09:00:00Z"); // Good Friday 11:00, on a weekday with hours
    expect(holiday).toMatchObject({ openNow: false, today: { hours: [], closedAllDay: "closed_on" } });
    expect(holiday.summary).toContain("Closed all day today");
    const sunday = at("2026-03-29T10:00:00Z");
    expect(sunday).toMatchObject({
      openNow: false,
      today: { weekday: "sun", hours: [], closedAllDay: "no_hours" },
    });
    expect(sunday.summary).toContain("Closed on Sundays.");
  });

  it("computes in the business's zone: one instant is Sunday night in Mexico City and Monday morning in Madrid", () => {
    const instant = new Date("2026-01-05T03:00:00Z");
    const mexico = businessHoursSchema.parse({
      timeZone: "America/Mexico_City",
      weekly: { sun: [{ open: "18:00", close: "02:00" }], mon: [{ open: "18:00", close: "02:00" }] },
    });
    expect(businessHoursAt(mexico, instant)).toMatchObject({
      openNow: true,
      now: { date: "2026-01-04", weekday: "sun", time: "21:00" },
      closesAt: { date: "2026-01-05", weekday: "mon", time: "02:00" },
    });
    // The overnight opening that started on Sunday is still open at 01:00 on Monday.
    expect(businessHoursAt(mexico, new Date("2026-01-05T07:00:00Z"))).toMatchObject({
      openNow: true,
      now: { weekday: "mon", time: "01:00" },
      closesAt: { time: "02:00" },
      nextOpening: { date: "2026-01-05", time: "18:00" },
    });
    expect(businessHoursAt(madrid, instant)).toMatchObject({
      openNow: false,
      now: { date: "2026-01-05", weekday: "mon", time: "04:00" },
      nextOpening: { time: "09:00", inMinutes: 5 * 60 },
    });
  });

  it("treats back-to-back intervals as one opening, and says when nothing ever opens", () => {
    const split = businessHoursSchema.parse({
      timeZone: "UTC",
      weekly: {
        mon: [
          { open: "14:00", close: "18:00" },
          { open: "09:00", close: "14:00" },
        ],
      },
    });
    expect(businessHoursAt(split, new Date("2026-03-30T13:00:00Z"))).toMatchObject({
      openNow: true,
      closesAt: { time: "18:00" },
    });
    const never = businessHoursSchema.parse({ timeZone: "UTC", weekly: {} });
    const status = businessHoursAt(never, new Date("2026-03-30T13:00:00Z"));
    expect(status).toMatchObject({ openNow: false, nextOpening: null });
    expect(status.summary).toContain("No opening hours are set");
  });

  it("maps wall times that DST skips or repeats", () => {
    expect(toInstant("2026-03-29", 150, "Europe/Madrid").toISOString()).toBe("2026-03-29T01:30:00.000Z"); // 02:30 → 03:30 CEST
    expect(toInstant("2026-10-25", 150, "Europe/Madrid").toISOString()).toBe("2026-10-25T00:30:00.000Z"); // the first 02:30
    expect(toLocal(new Date("2026-10-25T01:30:00Z"), "Europe/Madrid")).toEqual({
      date: "2026-10-25",
      minutes: 150,
    });
  });
});

describe("business_hours tool", () => {
  let world: ToolTestWorld;
  beforeAll(async () => {
    world = await createToolTestWorld({ businessHours: madrid });
  });
  afterAll(() => world.close());

  it("answers for the context's now, and says when the agent has no hours", async () => {
    const context = { ...world.context, now: () => new Date("2026-03-28T19:00:00Z") };
    const run = (c: typeof context) =>
      executeAgentTool(businessHoursTool(c), c, {}, { toolCallId: "c", signal: undefined });
    expect(await run(context)).toMatchObject({ openNow: false, nextOpening: { inMinutes: 2160 } });
    const without = { ...context, agent: { ...context.agent, businessHours: undefined } };
    expect(await run(without)).toMatchObject({ isError: true, code: "not_configured" });
  });
});
