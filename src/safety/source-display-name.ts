import { sanitizeCustomerText } from "./sanitize-customer-text.js";

/**
 * A knowledge source as a customer (or a model that talks to one) may see it:
 * its file name, never the path it was added from. A source's `uri` is a path
 * relative to where it was added, or absolute when it was added by an
 * absolute path (`/srv/shop/internal/cupones-internos.md`), which tells a
 * stranger how the server is laid out; both give `cupones-internos.md`. A URL
 * gives its last path segment, or its host. Returns `document` for a `uri`
 * with no name in it.
 */
export function sourceDisplayName(uri: string): string {
  const path = uri.split(/[?#]/, 1)[0] ?? "";
  const segments = path.split(/[\\/]+/).filter((segment) => segment !== "" && !/^[A-Za-z]:$/.test(segment));
  const name = sanitizeCustomerText(segments.at(-1) ?? "").trim();
  return name === "" || name === "." || name === ".." ? "document" : name;
}
