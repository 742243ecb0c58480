import { useEffect, useState } from "react";
import { ApiClient } from "./api/api-client.js";
import type { Tenant } from "./api/api-types.js";
import { browserLocale, dictionaries, type Locale } from "./i18n/words.js";
import { forgetKey, storedKey, storeKey, takeKeyFromLink } from "./session/key-storage.js";
import { Shell } from "./shell.js";
import { SignIn, signInWith } from "./sign-in.js";

const localeKey = "alambique:console:locale";

/**
 * The console: signed out, the sign-in form; signed in, the shell with its
 * pages. The language is the browser's (Spanish or English) until chosen.
 */
export function App() {
  const [locale, setLocale] = useState<Locale>(
    () => (localStorage.getItem(localeKey) as Locale | null) ?? browserLocale(navigator.languages),
  );
  const [session, setSession] = useState<{ api: ApiClient; tenant: Tenant } | undefined>();
  const [restoring, setRestoring] = useState(true);
  /** Why the console is signed out, when it was not the owner's choice (the key was revoked meanwhile). */
  const [refused, setRefused] = useState(false);
  const words = dictionaries[locale];

  useEffect(() => {
    document.documentElement.lang = locale;
    localStorage.setItem(localeKey, locale);
  }, [locale]);

  const signOut = () => {
    forgetKey();
    setSession(undefined);
  };
  const revoked = () => {
    signOut();
    setRefused(true);
  };
  const signedIn = (key: string, tenant: Tenant) => {
    storeKey(key);
    setRefused(false);
    setSession({ api: new ApiClient(key, revoked), tenant });
  };

  // A sign-in link, or a key kept by this tab before a reload.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on load
  useEffect(() => {
    const key = takeKeyFromLink() ?? storedKey();
    if (!key) return setRestoring(false);
    signInWith(key)
      .then(
        (tenant) => signedIn(key, tenant),
        () => forgetKey(),
      )
      .finally(() => setRestoring(false));
  }, []);

  const chooser = (
    <label className="locale">
      <span className="sr-only">{words.language}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        <option value="es">Español</option>
        <option value="en">English</option>
      </select>
    </label>
  );
  if (restoring) return null;
  if (!session)
    return (
      <SignIn
        words={words}
        chooser={chooser}
        onSignedIn={signedIn}
        initialError={refused ? words.keyRefused : undefined}
      />
    );
  return (
    <Shell
      context={{ api: session.api, tenant: session.tenant, words, locale }}
      chooser={chooser}
      onSignOut={signOut}
      onRevoked={revoked}
    />
  );
}
