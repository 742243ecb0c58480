import { NotFoundError } from "../../spec/errors.js";
import type { JsonValue } from "../../spec/json.js";
import type { ModelRecord, Openness, StoreRepositories } from "../../spec/store.js";
import type { Sql } from "./postgres-sql.js";
import { iso, nowIso, toJsonText } from "./postgres-values.js";

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
  outputs_may_train: boolean | null;
  metadata: Record<string, JsonValue>;
  created_at: Date;
  updated_at: Date;
}

export function createPostgresModels(sql: Sql): StoreRepositories["models"] {
  return {
    async add(model) {
      const now = nowIso();
      const [row] = await sql.query<ModelRow>(
        `INSERT INTO models (name, source, architecture, parameter_count, quantization, context_length,
           license_id, license_url, weights_openness, data_openness, code_openness, outputs_may_train,
           metadata, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING *`,
        [
          model.name,
          model.source,
          model.architecture,
          model.parameterCount,
          model.quantization,
          model.contextLength,
          model.licenseId,
          model.licenseUrl,
          model.weightsOpenness,
          model.dataOpenness,
          model.codeOpenness,
          model.outputsMayTrain ?? null,
          toJsonText(model.metadata, "metadata"),
          now,
        ],
      );
      return toModel(row!);
    },
    async get(name) {
      const [row] = await sql.query<ModelRow>("SELECT * FROM models WHERE name = $1", [name]);
      return row && toModel(row);
    },
    list: async () => (await sql.query<ModelRow>("SELECT * FROM models ORDER BY name")).map(toModel),
    async remove(name) {
      const gone = await sql.query("DELETE FROM models WHERE name = $1 RETURNING name", [name]);
      if (gone.length === 0) throw new NotFoundError("model", name);
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
    outputsMayTrain: row.outputs_may_train,
    metadata: row.metadata,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
