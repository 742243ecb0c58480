import { createContext, useContext } from "react";
import type { ApiClient } from "../api/api-client.js";
import type { Tenant } from "../api/api-types.js";
import type { Locale, Words } from "../i18n/words.js";

/** What every page of a signed-in console has. */
export interface ConsoleContextValue {
  api: ApiClient;
  tenant: Tenant;
  words: Words;
  locale: Locale;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error("useConsole outside a signed-in console");
  return value;
}
