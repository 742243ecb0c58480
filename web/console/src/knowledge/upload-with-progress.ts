import { type ApiClient, ApiError } from "../api/api-client.js";
import type { IngestProgress, IngestReport } from "../api/api-types.js";

/**
 * Uploads one file into an agent's knowledge under `uri` (its own name, or a
 * stored document's to re-ingest it: the same name replaces it), reporting
 * the server's progress as it reads and stores it. Resolves with the report;
 * throws ApiError when the upload is refused, or fails half-way (the
 * stream's `{"error"}` line).
 */
export async function uploadWithProgress(
  api: ApiClient,
  base: string,
  file: File,
  uri: string,
  onProgress: (progress: IngestProgress) => void,
): Promise<IngestReport> {
  const form = new FormData();
  form.append("file", file, uri);
  let report: IngestReport | undefined;
  await api.lines(base, form, (line) => {
    const value = line as {
      progress?: IngestProgress;
      report?: IngestReport;
      error?: { message: string; code: string; param?: string | null };
    };
    if (value.progress) onProgress(value.progress);
    if (value.report) report = value.report;
    if (value.error)
      throw new ApiError(value.error.message, 500, value.error.code, value.error.param ?? null);
  });
  if (!report) throw new ApiError("the upload ended before its report", 0, "network");
  return report;
}
