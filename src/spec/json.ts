/** Any value that survives `JSON.parse(JSON.stringify(v))` unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
