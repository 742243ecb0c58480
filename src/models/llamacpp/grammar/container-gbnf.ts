import type { Path, Schema } from "./gbnf-base.js";
import type { JsonSchemaDefinition } from "./json-schema.js";

/** What the container rules need from the compiler: sub-schemas as rule references, and failure. */
export interface GbnfContext {
  valueRef(schema: JsonSchemaDefinition, path: Path, hint: string): string;
  fail(path: Path, message: string): never;
}

/** An object with no declared properties: a map from (constrained) keys to values. */
export function mapGbnf(schema: Schema, path: Path, ctx: GbnfContext): string {
  const additional = schema.additionalProperties;
  if (additional === false) return `"{}"`;
  if ((schema.minProperties ?? 0) > 1) {
    ctx.fail(path, "minProperties above 1 on a map is not supported (generated keys could repeat)");
  }
  const value =
    additional === undefined || additional === true
      ? "value"
      : ctx.valueRef(additional, [...path, "additionalProperties"], "value");
  let key = "string";
  if (schema.propertyNames !== undefined) {
    const names = schema.propertyNames;
    const stringish =
      typeof names === "object" &&
      (names.type === "string" ||
        (names.enum?.every((v) => typeof v === "string") ?? false) ||
        typeof names.const === "string");
    if (!stringish) ctx.fail([...path, "propertyNames"], "propertyNames must be a string schema");
    key = ctx.valueRef(names, [...path, "propertyNames"], "key");
  }
  const pair = `${key} ":" ${value}`;
  const min = schema.minProperties ?? 0;
  const max = schema.maxProperties;
  if (max === 0) return `"{}"`;
  const more = max === undefined ? `("," ${pair})*` : max === 1 ? "" : `("," ${pair}){0,${max - 1}}`;
  const pairs = `${pair}${more ? ` ${more}` : ""}`;
  return min >= 1 ? `"{" ${pairs} "}"` : `"{" (${pairs})? "}"`;
}

/** An array: a tuple (`prefixItems`, or draft 7's array-valued `items`) or a list of `items`. */
export function arrayGbnf(schema: Schema, path: Path, ctx: GbnfContext): string {
  if (schema.uniqueItems === true && (schema.maxItems ?? 2) > 1) {
    ctx.fail(
      path,
      `"uniqueItems" is not supported (a grammar cannot keep items distinct); validate after generation`,
    );
  }
  const draft7Tuple = Array.isArray(schema.items);
  const prefix = draft7Tuple ? (schema.items as JsonSchemaDefinition[]) : schema.prefixItems;
  const rest = draft7Tuple ? schema.additionalItems : (schema.items as JsonSchemaDefinition | undefined);
  const min = schema.minItems ?? 0;
  const max = schema.maxItems;
  if (max !== undefined && max < min) ctx.fail(path, `maxItems ${max} is below minItems ${min}`);
  if (prefix && prefix.length > 0) {
    if (max !== undefined && max < prefix.length) {
      ctx.fail(path, `maxItems ${max} below the ${prefix.length} tuple items is not supported`);
    }
    const items = prefix.map((item, i) =>
      ctx.valueRef(item, [...path, draft7Tuple ? "items" : "prefixItems", i], `item-${i}`),
    );
    const extra = Math.max(0, min - prefix.length);
    let tail = "";
    if (extra > 0) {
      if (rest === false) ctx.fail(path, `minItems ${min} needs more items than the tuple allows`);
      const restRef =
        rest === undefined || rest === true ? "value" : ctx.valueRef(rest, [...path, "items"], "item");
      tail = ` ("," ${restRef}){${extra}}`;
    }
    return `"[" ${items.join(' "," ')}${tail} "]"`;
  }
  if (rest === false) return min === 0 ? `"[]"` : ctx.fail(path, "items: false with minItems above 0");
  const item = rest === undefined || rest === true ? "value" : ctx.valueRef(rest, [...path, "items"], "item");
  if (max === 0) return `"[]"`;
  const more =
    max === undefined
      ? min <= 1
        ? `("," ${item})*`
        : `("," ${item}){${min - 1},}`
      : max === 1
        ? ""
        : `("," ${item}){${Math.max(0, min - 1)},${max - 1}}`;
  const list = more ? `${item} ${more}` : item;
  return min >= 1 ? `"[" ${list} "]"` : `"[" (${list})? "]"`;
}
