/**
 * A PostgreSQL URL as it may be shown: without its password. Every message
 * and hint the PostgreSQL store writes names the database this way, never
 * with the URL as given (it may hold a password, in the authority or in a
 * `password=` parameter).
 */
export function redactPostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "the PostgreSQL URL (unparsable, not shown)";
  }
  parsed.password = "";
  for (const key of [...parsed.searchParams.keys()]) {
    if (/pass|secret|key$/i.test(key)) parsed.searchParams.delete(key);
  }
  return parsed.toString();
}
