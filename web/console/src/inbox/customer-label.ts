import type { Words } from "../i18n/words.js";

/**
 * Who a conversation is with, as a person reads it: a widget visitor
 * (`key:…:visitor:ID`) or a playground session by a short id, anything else
 * (a phone number, an API `user`) as it is.
 */
export function customerLabel(externalUserId: string, words: Words): string {
  const visitor = /:visitor:([\w-]+)$/.exec(externalUserId);
  if (visitor) return `${words.webVisitor} ${visitor[1]!.slice(0, 6)}`;
  if (externalUserId.startsWith("console-playground:"))
    return `${words.nav.playground} ${externalUserId.slice(19, 25)}`;
  return externalUserId;
}
