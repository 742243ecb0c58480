import { useEffect, useState } from "react";
import { DEFAULT_TENANT_SLUG } from "../../../../src/store/default-tenant.js";
import type { DistillJob, ScorecardSummary } from "../api/api-types.js";
import { Scorecards } from "../distill/scorecards.js";
import { StartLoopForm } from "../distill/start-loop-form.js";
import { useConsole } from "../session/console-context.js";
import { useLoad } from "../ui/use-load.js";

const stages = ["synth", "freeze", "train", "eval", "promote"];

/**
 * `#/distill`: the tenant's distillation — starting a loop (a teacher and
 * a base from the catalog), loops with their stage, progress and the deploy
 * gate's verdict (a paused one can be resumed), the students they made with
 * their latest scorecard, the scorecards, and the stages' jobs. While a job
 * is queued or running the list is read again every two seconds: a worker's
 * progress shows without a reload.
 */
export default function DistillPage() {
  const { api, words, locale, tenant } = useConsole();
  const w = words.distill;
  const jobs = useLoad(() => api.get<{ data: DistillJob[] }>("/api/distill/jobs"), [api]);
  const cards = useLoad(() => api.get<{ data: ScorecardSummary[] }>("/api/distill/scorecards"), [api]);
  const [notice, setNotice] = useState<string>();
  const loops = (jobs.data?.data ?? []).filter((j) => j.loop);
  const others = (jobs.data?.data ?? []).filter((j) => !j.loop);
  const active = (jobs.data?.data ?? []).some((j) => j.status === "queued" || j.status === "running");
  // Armed again after each answer (`jobs.data`), so one read at a time; `reload` only bumps a counter.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `jobs.data` is what re-arms it
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(() => jobs.reload(), 2000);
    return () => clearTimeout(timer);
  }, [active, jobs.data]);
  const resume = async (job: DistillJob) => {
    try {
      await api.post(`/api/distill/jobs/${encodeURIComponent(job.id)}/resume`);
      setNotice(w.resumed);
    } catch (error) {
      setNotice((error as Error).message);
    }
    jobs.reload();
  };
  const gate = (g: { passed: boolean; failures: string[] } | null | undefined) =>
    !g ? (
      <span className="muted">{w.gateNotYet}</span>
    ) : g.passed ? (
      <span className="verdict pass">✓ {w.gatePassed}</span>
    ) : (
      <span className="verdict fail">
        ✗ {w.gateFailed}: {g.failures.join("; ")}
      </span>
    );
  const students = new Map<string, { agent: string; card: ScorecardSummary | undefined }>();
  for (const loop of loops) students.set(loop.loop!.student, { agent: loop.loop!.agent, card: undefined });
  for (const card of cards.data?.data ?? [])
    students.set(card.candidate, { agent: students.get(card.candidate)?.agent ?? "", card });

  return (
    <section aria-labelledby="distill-title">
      <h1 id="distill-title">{words.distillTitle}</h1>
      {(jobs.error ?? cards.error) && <p className="error">{(jobs.error ?? cards.error)?.message}</p>}
      {/* Operator only (POST /api/distill/loops): the student joins the server-wide catalog. */}
      {tenant.slug === DEFAULT_TENANT_SLUG ? (
        <StartLoopForm
          onStarted={({ job }) => {
            setNotice(words.distillStart.started(job.loop?.student ?? job.id));
            jobs.reload();
          }}
        />
      ) : (
        <p className="notice">{words.distillStart.operatorOnly}</p>
      )}
      <p className="help">{w.startHint}</p>
      <pre className="code">alambique distill AGENT --teacher TEACHER --base BASE</pre>
      <h2>{w.loops}</h2>
      {loops.length === 0 && <p className="muted">{w.noLoops}</p>}
      {notice && (
        <p className="notice" aria-live="polite">
          {notice}
        </p>
      )}
      {loops.length > 0 && (
        <table className="table loops">
          <thead>
            <tr>
              <th>{w.student}</th>
              <th>{w.stage}</th>
              <th>{w.status}</th>
              <th>{w.gate}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {loops.map((job) => {
              const loop = job.loop!;
              const stage = stages.indexOf(loop.stage) + 1;
              return (
                <tr key={job.id}>
                  <td>
                    <strong>{loop.student}</strong>
                    <br />
                    <span className="muted">
                      {loop.agent} · {loop.teacher} → {loop.base}
                    </span>
                  </td>
                  <td>
                    {stage > 0 ? `${stage}/5 ${loop.stage}` : loop.stage}{" "}
                    <progress max={1} value={job.progress} aria-label={`${loop.student} ${w.stage}`} />{" "}
                    <span className="percent">{Math.round(job.progress * 100)} %</span>
                  </td>
                  <td>
                    <span className={`status-pill ${job.status}`}>
                      {w.statuses[job.status] ?? job.status}
                    </span>
                    {loop.promoted && <span className="badge-soft"> {w.promoted}</span>}
                    {job.error && <p className="error">{job.error}</p>}
                  </td>
                  <td>{gate(loop.gate)}</td>
                  <td>
                    {job.status === "paused" && (
                      <button type="button" className="secondary" onClick={() => void resume(job)}>
                        {w.resume} <span className="sr-only">{loop.student}</span>
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      <h2>{w.students}</h2>
      {students.size === 0 ? (
        <p className="muted">{w.noLoops}</p>
      ) : (
        <ul className="cards">
          {[...students].map(([name, { agent, card }]) => (
            <li key={name} className="card student">
              <h3>{name}</h3>
              {agent && <p className="muted">{agent}</p>}
              <p>
                {w.latestScorecard}:{" "}
                {card ? gate({ passed: card.gatePassed, failures: card.gateFailures }) : w.noScorecard}
              </p>
            </li>
          ))}
        </ul>
      )}

      <Scorecards cards={cards.data?.data} />

      <h2>{w.jobs}</h2>
      <table className="table jobs">
        <tbody>
          {others.map((job) => (
            <tr key={job.id}>
              <td>{w.kinds[job.kind] ?? job.kind}</td>
              <td>
                <span className={`status-pill ${job.status}`}>{w.statuses[job.status] ?? job.status}</span>
              </td>
              <td>
                <progress max={1} value={job.progress} aria-label={`${w.kinds[job.kind]} ${job.id}`} />
              </td>
              <td className="muted">{new Date(job.updatedAt).toLocaleString(locale)}</td>
              <td>{job.error && <span className="error">{job.error}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
