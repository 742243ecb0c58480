import type { CatalogEntry } from "../api/api-types.js";
import type { Words } from "../i18n/words.js";
import { useConsole } from "../session/console-context.js";

type Openness = CatalogEntry["weightsOpenness"];

/**
 * A catalog model's licence (linked when the catalog has its text) and
 * whether its outputs may train other models, as badges: what choosing it
 * as a teacher or a base commits the student to. With `openness` (the Models
 * page), the weights', data's and code's openness come between the two.
 */
export function ModelLicence({ model, openness = false }: { model: CatalogEntry; openness?: boolean }) {
  const { words } = useConsole();
  const may = model.outputsMayTrain;
  const licence = model.licenseId ?? words.opennessNames.unknown;
  return (
    <dl className="badges" aria-label={`${model.name}: ${words.licence}`}>
      <dt>{words.licence}</dt>
      <dd>
        {model.licenseUrl ? (
          <a href={model.licenseUrl} rel="noreferrer noopener" target="_blank">
            {model.licenseId ?? model.licenseUrl}
          </a>
        ) : (
          licence
        )}
      </dd>
      {openness && (
        <>
          <OpennessBadge label={words.weights} value={model.weightsOpenness} words={words} />
          <OpennessBadge label={words.data} value={model.dataOpenness} words={words} />
          <OpennessBadge label={words.code} value={model.codeOpenness} words={words} />
        </>
      )}
      <dt>{words.outputsMayTrain}</dt>
      <dd className={`openness ${may === null ? "unknown" : may ? "open" : "closed"}`}>
        {mayTrainWord(may, words)}
      </dd>
    </dl>
  );
}

/** Whether a model's outputs may train others, in words: yes, no, or unknown (`null`: the catalog does not say). */
export function mayTrainWord(may: boolean | null, words: Words): string {
  return may === null ? words.opennessNames.unknown : may ? words.yes : words.no;
}

function OpennessBadge({ label, value, words }: { label: string; value: Openness; words: Words }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={`openness ${value ?? "unknown"}`}>{words.opennessNames[value ?? "unknown"]}</dd>
    </>
  );
}
