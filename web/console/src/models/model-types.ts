/**
 * The shapes of the console's calls that add models, from the zod schemas the
 * server validates and documents with (as `api/api-types.ts` does for the rest):
 * type-only, so nothing of the server is bundled.
 */
import type { z } from "zod";
import type { modelDownloadSchema } from "../../../../src/server/api/model-download-routes.js";
import type { connectionTestSchema } from "../../../../src/server/api/models-routes.js";

export type {
  AddModelBody,
  ConnectionTestBody,
  DownloadModelBody,
} from "../../../../src/server/api/add-model-body.js";
export type ModelDownload = z.output<typeof modelDownloadSchema>;
export type ConnectionTest = z.output<typeof connectionTestSchema>;
