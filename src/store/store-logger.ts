/**
 * What a store logs through: a subset of pino's logger (fields first, then the
 * message), so a pino logger can be passed as is. Stores log rarely: applied
 * migrations and problems worth an operator's attention.
 */
export interface StoreLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}
