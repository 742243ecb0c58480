import { FORMATS, type Schema } from "./gbnf-base.js";
import { type Bound, decimalRange, INTEGER_GBNF, integerRange, NUMBER_GBNF } from "./number-range-gbnf.js";
import { patternGbnf } from "./pattern-gbnf.js";

/** Reports a keyword the grammar cannot honour (throws). */
export type Fail = (message: string) => never;

/** A JSON string matching `schema`'s length and format. */
export function stringGbnf(schema: Schema, fail: Fail): string {
  if (schema.format !== undefined) {
    const format = FORMATS[schema.format];
    if (format === undefined) fail(`the string format "${schema.format}" is not supported`);
    // A pattern beside a supported format (zod adds one to z.email()) is taken to describe that format.
    return `"\\"" ${schema.format === "date-time" ? FORMATS["date-time"] : format} "\\""`;
  }
  if (schema.pattern !== undefined) {
    if (schema.minLength !== undefined || schema.maxLength !== undefined) {
      fail(`"pattern" together with minLength/maxLength is not supported; put the length in the pattern`);
    }
    if (typeof schema.pattern !== "string") fail(`"pattern" must be a string`);
    const inside = patternGbnf(schema.pattern);
    if (!inside.ok) {
      const shown = schema.pattern.length > 80 ? `${schema.pattern.slice(0, 77)}…` : schema.pattern;
      fail(`the keyword "pattern" (${shown}) ${inside.reason}`);
    }
    return `"\\"" ${inside.gbnf} "\\""`;
  }
  const min = schema.minLength ?? 0;
  const max = schema.maxLength;
  if (max !== undefined && max < min) fail(`maxLength ${max} is below minLength ${min}`);
  if (min === 0 && max === undefined) return "string";
  const repeat = max === undefined ? `{${min},}` : `{${min},${max}}`;
  return `"\\"" char${repeat} "\\""`;
}

/** A JSON number matching `schema`'s bounds; integers never have a fraction or exponent. */
export function numberGbnf(schema: Schema, type: "integer" | "number", fail: Fail): string {
  const lo = bound(schema.minimum, schema.exclusiveMinimum, true);
  const hi = bound(schema.maximum, schema.exclusiveMaximum, false);
  let integer = type === "integer";
  if (schema.multipleOf !== undefined) {
    if (schema.multipleOf !== 1) fail(`the keyword "multipleOf" (${schema.multipleOf}) is not supported`);
    integer = true;
  }
  if (integer) {
    const low = lo === undefined ? -Infinity : lo.inclusive ? lo.value : Math.floor(lo.value) + 1;
    const high = hi === undefined ? Infinity : hi.inclusive ? hi.value : Math.ceil(hi.value) - 1;
    const expr = integerRange(low, high);
    if (expr === undefined) fail(`no integer lies between the bounds ${low} and ${high}`);
    return expr === INTEGER_GBNF ? "integer" : expr;
  }
  for (const [name, b] of [
    ["minimum", lo],
    ["maximum", hi],
  ] as const) {
    if (b !== undefined && Math.abs(b.value) < 1e15 && !Number.isInteger(b.value)) {
      fail(`a fractional ${name} (${b.value}) on a number is not supported; use integer bounds`);
    }
  }
  // Bounds beyond 15 digits cannot bind: the grammar never writes numbers that large.
  const clip = (b: Bound | undefined) => (b === undefined || Math.abs(b.value) >= 1e15 ? undefined : b);
  const expr = decimalRange(clip(lo), clip(hi));
  if (expr === undefined) fail("no number lies between the bounds");
  return expr === NUMBER_GBNF ? "number" : expr;
}

/** Normalises draft-4 (boolean) and draft-6+ (numeric) exclusive bounds into one `Bound`. */
function bound(inclusive: number | undefined, exclusive: unknown, lower: boolean): Bound | undefined {
  const candidates: Bound[] = [];
  if (typeof exclusive === "number") candidates.push({ value: exclusive, inclusive: false });
  if (inclusive !== undefined) candidates.push({ value: inclusive, inclusive: exclusive !== true });
  if (candidates.length === 0) return undefined;
  // The tighter bound wins.
  return candidates.reduce((a, b) => {
    if (a.value === b.value) return a.inclusive ? b : a;
    return lower ? (a.value > b.value ? a : b) : a.value < b.value ? a : b;
  });
}
