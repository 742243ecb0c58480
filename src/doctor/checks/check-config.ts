import { AlambiqueError } from "../../spec/errors.js";
import type { CheckResult, DoctorInput } from "../doctor-check.js";

export async function checkConfig({ config }: DoctorInput): Promise<CheckResult> {
  if (config instanceof Error) {
    return {
      id: "config",
      title: "configuration",
      status: "fail",
      detail: config.message,
      fix:
        AlambiqueError.isInstance(config) && config.hint ? config.hint : "fix the file and run doctor again",
    };
  }
  const models = Object.keys(config.models).length;
  return {
    id: "config",
    title: "configuration",
    status: "ok",
    detail: `${config.file ?? "defaults (no alambique.yaml)"}; ${models} model${models === 1 ? "" : "s"} declared`,
  };
}
