import { unlink } from "node:fs/promises";
import { modelLora } from "../../models/catalog/model-lora.js";
import { AlambiqueError, NotFoundError } from "../../spec/errors.js";
import type { Store } from "../../spec/store.js";

/**
 * Removes a student from the catalog and deletes its GGUF (an adapter
 * student's adapter; never its base). Refuses while an
 * agent of any tenant answers with it (`model`) or escalates to it
 * (`fallbackModel`), naming them: removing it would break them.
 *
 * Throws NotFoundError (no such student; a model that is not a student is
 * `models remove`'s) and AlambiqueError `student_in_use` (409).
 */
export async function removeStudent(store: Store, name: string): Promise<{ file: string; deleted: boolean }> {
  const model = await store.models.get(name);
  if (!model || model.metadata.student === undefined) {
    throw new NotFoundError(
      "student",
      name,
      model
        ? "it is a model, not a student: `alambique models remove`"
        : "`alambique students list` shows the students",
    );
  }
  const users: string[] = [];
  for (const tenant of await store.tenants.list()) {
    for (const agent of await store.agents.list(tenant.id)) {
      const roles = [
        agent.spec.model === name && "model",
        agent.spec.fallbackModel === name && "fallbackModel",
      ];
      for (const role of roles) if (role) users.push(`${agent.name} (tenant ${tenant.name}, ${role})`);
    }
  }
  if (users.length > 0) {
    throw new AlambiqueError(
      `the student ${name} is used by ${users.length === 1 ? "the agent" : "the agents"} ${users.join(", ")}`,
      {
        code: "student_in_use",
        status: 409,
        retryable: false,
        hint: "point those agents at another model first (their `model:` / `fallbackModel:`), then remove it",
      },
    );
  }
  await store.models.remove(name);
  // An adapter student's file is its adapter: the base under it (`source`) is another model's.
  const file = modelLora(model)?.[0]?.path ?? model.source.replace(/^gguf:/, "");
  const deleted = await unlink(file).then(
    () => true,
    () => false,
  );
  return { file, deleted };
}
