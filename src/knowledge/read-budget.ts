import { IngestLimitError } from "./ingest-limit-error.js";
import { type DocumentLimits, formatBytes } from "./ingest-limits.js";

/** What reading one document has used so far. */
export interface DocumentUsage {
  /** Bytes its compressed streams inflate to (PDF). */
  decodedBytes: number;
  /** Pages read (PDF). */
  pages: number;
  /** Pages it has (PDF; 0 until known). */
  pagesTotal: number;
  /** Characters in its chunks. */
  chars: number;
  chunks: number;
}

export function emptyUsage(): DocumentUsage {
  return { decodedBytes: 0, pages: 0, pagesTotal: 0, chars: 0, chunks: 0 };
}

/**
 * The budget of one document: the per-document limits, and what is left of
 * the ingestion's (`upload`) after the documents before it. Plain data, so
 * that it crosses into a worker thread as it is.
 */
export interface ReadBudget {
  /** The document's name, for errors. */
  uri: string;
  document: DocumentLimits;
  /** The ingestion's limits, for errors. */
  upload: DocumentLimits;
  /** What is left of the ingestion's limits after the documents before this one. */
  uploadLeft: DocumentLimits;
}

type Measure = keyof DocumentLimits;

/** The most `measure` may reach in this document: the smaller of its own limit and what the ingestion has left. */
export function allowance(budget: ReadBudget, measure: Measure): number {
  return Math.min(budget.document[measure], budget.uploadLeft[measure]);
}

/**
 * Throws the `IngestLimitError` for `measure` at `value` when it is over the
 * document's limit (or else over what the ingestion has left); returns
 * otherwise.
 */
export function checkBudget(budget: ReadBudget, measure: Measure, value: number): void {
  if (value <= allowance(budget, measure)) return;
  if (value > budget.document[measure]) {
    throw new IngestLimitError(
      `document.${measure}`,
      budget.uri,
      `${describe(measure, value, budget.document[measure])}, the limit for one document`,
    );
  }
  throw new IngestLimitError(
    `upload.${measure}`,
    budget.uri,
    `with the documents before it, ${describe(measure, value, budget.upload[measure], "this upload's")}, the limit for one upload`,
  );
}

function describe(measure: Measure, value: number, limit: number, whose = "its"): string {
  switch (measure) {
    case "decodedBytes":
      return `${whose} compressed content inflates to more than ${formatBytes(limit)}`;
    case "pages":
      return whose === "its"
        ? `it has ${value.toLocaleString("en")} pages, over ${limit.toLocaleString("en")}`
        : `this upload has more than ${limit.toLocaleString("en")} pages`;
    case "chars":
      return `${whose === "its" ? "it has" : "this upload has"} more than ${limit.toLocaleString("en")} characters of text`;
  }
}
