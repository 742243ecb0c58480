import { expect, it } from "vitest";
import { describeFeedbackCapsConformance } from "../../server/limits/feedback-caps.conformance.js";
import { openStore } from "../open-store.js";
import { PostgresFeedbackCaps } from "./postgres-feedback-caps.js";
import { describePostgres, freshPostgresUrl, raw } from "./postgres-test-server.fixture.js";

/** A migrated database: the store applies migration 8 (feedback_marks) on open. */
async function migratedUrl(): Promise<string> {
  const url = await freshPostgresUrl("feedback");
  await (await openStore(url)).close();
  return url;
}

describePostgres("PostgreSQL feedback caps", () => {
  // Two pools on one database: two replicas' views of the same counts.
  describeFeedbackCapsConformance("postgres", async () => {
    const url = await migratedUrl();
    return [new PostgresFeedbackCaps({ url }), new PostgresFeedbackCaps({ url })];
  });

  it("deletes the days before yesterday, and only those", async () => {
    const url = await migratedUrl();
    const caps = new PostgresFeedbackCaps({ url });
    try {
      const limits = { perVisitor: 5, perAddress: 5 };
      for (const day of ["2026-12-04", "2026-12-05", "2026-12-06"])
        await caps.admit(day, "v", "a", "m", limits);
      expect(await caps.sweep(Date.parse("2026-12-06T12:00:00Z"))).toBe(2);
      const days = await raw(
        url,
        async (c) => (await c.query("SELECT DISTINCT day FROM feedback_marks ORDER BY 1")).rows,
      );
      expect(days).toEqual([{ day: "2026-12-05" }, { day: "2026-12-06" }]);
    } finally {
      await caps.close();
    }
  });
});
