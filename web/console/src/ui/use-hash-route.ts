import { useEffect, useState } from "react";

/**
 * The page, from the address's fragment (`#/agents/rosa` → ["agents", "rosa"]):
 * the server serves one page at /console, and a reload or a shared link opens
 * the same view. Nothing secret ever goes in it.
 */
export function useHashRoute(): string[] {
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

function read(): string[] {
  return window.location.hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter((part) => part !== "")
    .map(decodeURIComponent);
}

export function go(...parts: string[]): void {
  window.location.hash = `#/${parts.map(encodeURIComponent).join("/")}`;
}
