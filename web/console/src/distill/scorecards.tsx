import type { ScorecardSummary } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";

/** The tenant's scorecards, newest first: the candidate against its reference, and the gate's verdict. */
export function Scorecards({ cards }: { cards: ScorecardSummary[] | undefined }) {
  const { words, locale } = useConsole();
  const w = words.distill;
  const rubric = (n: number | null) => (n === null ? "–" : n.toFixed(1));
  return (
    <>
      <h2>{w.scorecards}</h2>
      {cards?.length === 0 && <p className="muted">{w.noScorecards}</p>}
      {cards && cards.length > 0 && (
        <table className="table scorecards">
          <thead>
            <tr>
              <th>{w.student}</th>
              <th>{w.rubric}</th>
              <th>{w.winOrTie}</th>
              <th>{w.gate}</th>
            </tr>
          </thead>
          <tbody>
            {[...cards].reverse().map((card) => (
              <tr key={card.id}>
                <td>
                  <strong>{card.candidate}</strong> v{card.version}
                  <br />
                  <span className="muted">
                    {w.versus} {card.reference} · {new Date(card.createdAt).toLocaleDateString(locale)}
                  </span>
                </td>
                <td>
                  {rubric(card.candidateRubric)} / {rubric(card.referenceRubric)}
                </td>
                <td>
                  {card.winOrTie === null ? "–" : `${Math.round(card.winOrTie * 100)} %`}
                  {card.winOrTie !== null && (
                    <meter
                      min={0}
                      max={1}
                      value={card.winOrTie}
                      aria-label={`${card.candidate} ${w.winOrTie}`}
                    />
                  )}
                </td>
                <td>
                  {card.gatePassed ? (
                    <span className="verdict pass">✓ {w.gatePassed}</span>
                  ) : (
                    <span className="verdict fail">
                      ✗ {w.gateFailed}
                      {card.gateFailures.length > 0 && `: ${card.gateFailures.join("; ")}`}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
