import { useConsole } from "../session/console-context.js";

/** `#/distill`: the student pipeline runs from the CLI; its HTTP API is not built yet, and the page says so. */
export default function DistillPage() {
  const { words } = useConsole();
  return (
    <section aria-labelledby="distill-title">
      <h1 id="distill-title">{words.distillTitle}</h1>
      <p className="notice">
        <span className="badge-soft">{words.notBuilt}</span> {words.distillMissing}
      </p>
      <pre className="code">
        {
          "alambique synth run …\nalambique datasets list\nalambique students train …\nalambique eval run …\nalambique students promote …"
        }
      </pre>
    </section>
  );
}
