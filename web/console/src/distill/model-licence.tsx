import type { CatalogEntry } from "../api/api-types.js";
import { useConsole } from "../session/console-context.js";

/**
 * A catalog model's licence (linked when the catalog has its text) and
 * whether its outputs may train other models, as badges: what choosing it
 * as a teacher or a base commits the student to.
 */
export function ModelLicence({ model }: { model: CatalogEntry }) {
  const { words } = useConsole();
  const may = model.outputsMayTrain;
  const licence = model.licenseId ?? words.opennessNames.unknown;
  return (
    <dl className="badges" aria-label={`${model.name}: ${words.licence}`}>
      <dt>{words.licence}</dt>
      <dd>
        {model.licenseUrl ? (
          <a href={model.licenseUrl} rel="noreferrer noopener" target="_blank">
            {licence}
          </a>
        ) : (
          licence
        )}
      </dd>
      <dt>{words.outputsMayTrain}</dt>
      <dd className={`openness ${may === null ? "unknown" : may ? "open" : "closed"}`}>
        {may === null ? words.opennessNames.unknown : may ? words.yes : words.no}
      </dd>
    </dl>
  );
}
