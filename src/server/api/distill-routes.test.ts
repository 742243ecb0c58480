import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, agentSpec, startApiServer } from "./api-server.fixture.js";
import { plantDistillLoop } from "./distill-records.fixture.js";

let server: ApiServer;
let planted: Awaited<ReturnType<typeof plantDistillLoop>>;
beforeAll(async () => {
  server = await startApiServer();
  const put = await server.call(server.other.admin, {
    method: "PUT",
    url: "/api/agents/bakery",
    payload: agentSpec("bakery"),
  });
  planted = await plantDistillLoop(server.store, server.other.tenant.id, put.json());
});
afterAll(() => server.close());

describe("/api/distill", () => {
  it("lists the loop with its stage and the deploy gate's verdict, and the stage's own job", async () => {
    const res = await server.call(server.other.admin, { url: "/api/distill/jobs" });
    expect(res.statusCode, res.body).toBe(200);
    const jobs = res.json().data as { id: string; kind: string; status: string; loop: unknown }[];
    expect(jobs.map((j) => j.kind).sort()).toEqual(["distill", "synth"]);
    expect(jobs.find((j) => j.kind === "distill")).toMatchObject({
      id: planted.job.id,
      status: "paused",
      progress: 0.8,
      loop: {
        stage: "promote",
        agent: "bakery",
        student: "student-0.5b",
        teacher: "teacher-70b",
        dataset: { name: "bakery-synth", version: 1 },
        scorecardId: planted.scorecard.id,
        gate: { passed: false, failures: ["win-or-tie 62% is under the gate's 70%"] },
        promoted: false,
      },
    });
    expect(jobs.find((j) => j.kind === "synth")?.loop).toBeNull();
    // The payload is not shown whole: who started it, the seed and such stay in the store.
    expect(res.body).not.toContain("rosa");
  });

  it("lists scorecards with the candidate against its reference", async () => {
    const res = await server.call(server.other.admin, { url: "/api/distill/scorecards" });
    expect(res.json().data).toEqual([
      expect.objectContaining({
        id: planted.scorecard.id,
        version: 1,
        candidate: "student-0.5b",
        reference: "teacher-70b",
        gatePassed: false,
        gateFailures: ["win-or-tie 62% is under the gate's 70%"],
        candidateRubric: 3.4,
        referenceRubric: 4.1,
        winOrTie: 0.62,
      }),
    ]);
  });

  it("resumes a paused job (queued for a worker), answers a queued one as it is, refuses a finished one", async () => {
    const url = `/api/distill/jobs/${planted.job.id}/resume`;
    const first = await server.call(server.other.admin, { method: "POST", url });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ id: planted.job.id, status: "queued" });
    expect((await server.store.jobs.get(planted.job.id))?.status).toBe("queued");
    const again = await server.call(server.other.admin, { method: "POST", url });
    expect(again.json().status).toBe("queued");
    await server.store.jobs.setStatus(planted.job.id, "cancelled");
    const finished = await server.call(server.other.admin, { method: "POST", url });
    expect(finished.statusCode).toBe(409);
    expect(finished.json().error.code).toBe("job_finished");
    const missing = await server.call(server.other.admin, {
      method: "POST",
      url: "/api/distill/jobs/job_nope/resume",
    });
    expect(missing.statusCode).toBe(404);
  });

  it("shows another tenant none of it", async () => {
    const jobs = await server.call(server.operator.admin, { url: "/api/distill/jobs" });
    expect(jobs.json().data).toEqual([]);
    const cards = await server.call(server.operator.admin, { url: "/api/distill/scorecards" });
    expect(cards.json().data).toEqual([]);
  });
});
