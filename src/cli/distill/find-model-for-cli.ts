import type { ModelRegistry } from "../../models/model-registry.js";
import { NotFoundError } from "../../spec/errors.js";
import type { ModelRecord } from "../../spec/store.js";
import { closestName } from "../closest-name.js";

/**
 * A model of the catalog (or configuration, or a .gguf path) as `role`
 * (teacher, base, judge). Throws NotFoundError whose hint names the closest
 * catalog name when the name looks like a typo of one, else lists them.
 */
export async function findModelForCli(
  models: ModelRegistry,
  name: string,
  role: string,
): Promise<ModelRecord> {
  try {
    return await models.find(name);
  } catch (error) {
    if (!NotFoundError.isInstance(error)) throw error;
  }
  const names = (await models.list()).map((m) => m.name);
  const closest = closestName(name, names);
  const hint = closest
    ? `did you mean ${closest}? (\`alambique models list\` shows the catalog)`
    : names.length > 0
      ? `the catalog has: ${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}; add a model with \`alambique models add NAME --gguf FILE\``
      : "the catalog is empty: add a model with `alambique models add NAME --gguf FILE` (`alambique models forge --f32` makes a small one that trains)";
  throw new NotFoundError(`${role} model`, name, hint);
}
