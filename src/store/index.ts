export { type GeneratedApiKeySecret, generateApiKeySecret, hashApiKeySecret } from "./api-key-secret.js";
export { newId } from "./ids.js";
export { inspectStore, type StoreInspection } from "./inspect-store.js";
export { type OpenStoreOptions, openStore, parseStoreUrl, type StoreTarget } from "./open-store.js";
export { defaultBusyTimeoutMs } from "./sqlite/sqlite-store.js";
export type { StoreLogger } from "./store-logger.js";
