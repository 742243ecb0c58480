import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { ModelRecord, Openness } from "../../spec/store.js";
import { fromJsonText, fromSqliteBoolean, nowIso, toJsonText, toSqliteBoolean } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface ModelRow {
  name: string;
  source: string;
  architecture: string | null;
  parameter_count: number | null;
  quantization: string | null;
  context_length: number | null;
  license_id: string | null;
  license_url: string | null;
  weights_openness: Openness | null;
  data_openness: Openness | null;
  code_openness: Openness | null;
  outputs_may_train: number | null;
  metadata: string;
  created_at: string;
  updated_at: string;
}

export function createSqliteModels(db: Database): SyncRepositories["models"] {
  const insert = db.prepare<[Record<string, unknown>], ModelRow>(
    `INSERT INTO models (name, source, architecture, parameter_count, quantization, context_length,
       license_id, license_url, weights_openness, data_openness, code_openness, outputs_may_train,
       metadata, created_at, updated_at)
     VALUES (@name, @source, @architecture, @parameterCount, @quantization, @contextLength,
       @licenseId, @licenseUrl, @weightsOpenness, @dataOpenness, @codeOpenness, @outputsMayTrain,
       @metadata, @now, @now)
     RETURNING *`,
  );
  const byName = db.prepare<[string], ModelRow>("SELECT * FROM models WHERE name = ?");
  const all = db.prepare<[], ModelRow>("SELECT * FROM models ORDER BY name");
  const remove = db.prepare<[string]>("DELETE FROM models WHERE name = ?");

  return {
    add(model) {
      const row = insert.get({
        name: model.name,
        source: model.source,
        architecture: model.architecture,
        parameterCount: model.parameterCount,
        quantization: model.quantization,
        contextLength: model.contextLength,
        licenseId: model.licenseId,
        licenseUrl: model.licenseUrl,
        weightsOpenness: model.weightsOpenness,
        dataOpenness: model.dataOpenness,
        codeOpenness: model.codeOpenness,
        outputsMayTrain: toSqliteBoolean(model.outputsMayTrain ?? null),
        metadata: toJsonText(model.metadata, "metadata"),
        now: nowIso(),
      });
      return toModel(row!);
    },
    get: (name) => {
      const row = byName.get(name);
      return row && toModel(row);
    },
    list: () => all.all().map(toModel),
    remove(name) {
      if (remove.run(name).changes === 0) throw new NotFoundError("model", name);
    },
  };
}

function toModel(row: ModelRow): ModelRecord {
  return {
    name: row.name,
    source: row.source,
    architecture: row.architecture,
    parameterCount: row.parameter_count,
    quantization: row.quantization,
    contextLength: row.context_length,
    licenseId: row.license_id,
    licenseUrl: row.license_url,
    weightsOpenness: row.weights_openness,
    dataOpenness: row.data_openness,
    codeOpenness: row.code_openness,
    outputsMayTrain: fromSqliteBoolean(row.outputs_may_train),
    metadata: fromJsonText<Record<string, JsonValue>>(row.metadata),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
