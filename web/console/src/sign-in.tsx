import { type FormEvent, type ReactNode, useState } from "react";
import { ApiClient, ApiError } from "./api/api-client.js";
import type { Tenant } from "./api/api-types.js";
import type { Words } from "./i18n/words.js";

/** The tenant of an admin key; ApiError when the server refuses it (401 wrong or revoked, 403 not admin). */
export function signInWith(key: string): Promise<Tenant> {
  return new ApiClient(key).get<Tenant>("/api/tenant");
}

export function SignIn(props: {
  words: Words;
  chooser: ReactNode;
  onSignedIn(key: string, tenant: Tenant): void;
  /** Shown at once: the key in use was refused (revoked while signed in). */
  initialError?: string | undefined;
}) {
  const { words } = props;
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | undefined>(props.initialError);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      props.onSignedIn(key.trim(), await signInWith(key.trim()));
    } catch (caught) {
      const status = caught instanceof ApiError ? caught.status : 0;
      setError(
        status === 403 ? words.keyNotAdmin : status === 0 ? words.serverUnreachable : words.keyRefused,
      );
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <div className="sign-in-top">
          <p className="brand">{words.appName}</p>
          {props.chooser}
        </div>
        <h1>{words.signInTitle}</h1>
        <p className="help">{words.signInHelp}</p>
        <form onSubmit={submit}>
          <label htmlFor="admin-key">{words.adminKey}</label>
          <input
            id="admin-key"
            type="password"
            // biome-ignore lint/a11y/noAutofocus: the page's one field, and the only thing to do on it
            autoFocus
            autoComplete="off"
            spellCheck={false}
            required
            value={key}
            aria-invalid={error !== undefined}
            aria-describedby={error ? "sign-in-error" : undefined}
            onChange={(e) => setKey(e.target.value)}
          />
          {error && (
            <p id="sign-in-error" className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy || key.trim() === ""}>
            {busy ? words.signingIn : words.signIn}
          </button>
        </form>
      </div>
    </main>
  );
}
