const storageKey = "alambique:console:key";

/**
 * Where the admin key lives while signed in: this tab's sessionStorage (gone
 * when the tab closes), never a URL, a cookie or localStorage. A sign-in link
 * (`/console/#key=alq_…`, as `alambique demo` prints) is read once and erased
 * from the address bar and history at once.
 */
export function takeKeyFromLink(): string | undefined {
  const match = /^#key=(alq_[\w-]+)$/.exec(window.location.hash);
  if (!match) return undefined;
  history.replaceState(null, "", window.location.pathname);
  return match[1];
}

export function storedKey(): string | undefined {
  return sessionStorage.getItem(storageKey) ?? undefined;
}

export function storeKey(key: string): void {
  sessionStorage.setItem(storageKey, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(storageKey);
}
