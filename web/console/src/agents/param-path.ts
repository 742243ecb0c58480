/**
 * The server names a field of a refused spec in `param` as `tools[0].url`;
 * the form keys its problems by `tools.0.url` (the zod path joined with dots).
 * Returns "" for no param (a problem of the spec as a whole).
 */
export function paramPath(param: string | null): string {
  if (!param || param === "body") return "";
  return param.replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "");
}
