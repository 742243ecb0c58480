/**
 * Freezes `value` and everything it holds, in place, and returns it: for
 * parsed values that several readers share (a spec kept between turns), so
 * that code changing one for its own use fails loudly instead of changing it
 * for everyone after.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value as object)) deepFreeze(item);
  }
  return value;
}
