import { DEFAULT_TENANT_SLUG } from "../../../../src/store/default-tenant.js";
import type { CatalogEntry } from "../api/api-types.js";
import { AddModelForm } from "../models/add-model-form.js";
import { ModelLicence } from "../models/model-licence.js";
import { useConsole } from "../session/console-context.js";
import { useLoad } from "../ui/use-load.js";

/**
 * `#/models`: the catalog (`GET /api/models`) with each model's licence and
 * openness as badges, and, for the server's operator, "add a model" (a tenant's
 * admin is told that the shared catalog is the operator's to change).
 */
export default function ModelsPage() {
  const { api, words, tenant } = useConsole();
  const models = useLoad(() => api.get<{ data: CatalogEntry[] }>("/api/models"), [api]);
  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">{words.modelsTitle}</h1>
      <p className="help">{words.modelsHelp}</p>
      {models.error && <p className="error">{models.error.message}</p>}
      {models.data?.data.length === 0 && <p className="muted">{words.noModels}</p>}
      <ul className="cards">
        {models.data?.data.map((m) => (
          <li key={m.name} className="card model">
            <h2>
              <code>{m.name}</code>
            </h2>
            <p className="muted">
              {[
                m.architecture,
                m.parameterCount ? `${formatCount(m.parameterCount)} ${words.parameters}` : null,
                m.quantization,
              ]
                .filter(Boolean)
                .join(" · ")}
            </p>
            <ModelLicence model={m} openness />
          </li>
        ))}
      </ul>
      {tenant.slug === DEFAULT_TENANT_SLUG ? (
        <AddModelForm onAdded={models.reload} />
      ) : (
        <p className="notice">{words.addModel.operatorOnly}</p>
      )}
    </section>
  );
}

function formatCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(0)}M` : String(n);
}
