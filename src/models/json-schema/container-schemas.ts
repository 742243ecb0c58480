/**
 * zod schemas for JSON objects and arrays, from their already compiled
 * subschemas. What zod's objects and arrays do not say themselves
 * (`patternProperties`, `propertyNames`, a required key without a property
 * schema, `uniqueItems`, `contains`) is a refinement with JSON Schema's meaning.
 */
import { z } from "zod";
import { canonicalKey } from "./canonical-key.js";
import { MAX_MATCHED_LENGTH, type SafePattern } from "./safe-pattern.js";

export interface ObjectParts {
  /** Declared properties, optional ones already `.optional()`. */
  shape: Record<string, z.ZodType>;
  /** `patternProperties`: a key matching a pattern must match its schema too. */
  patterns: [SafePattern, z.ZodType][];
  /** `additionalProperties`: false, a schema, or undefined (anything). */
  additional: false | z.ZodType | undefined;
  /** `propertyNames`. */
  keys: z.ZodType | undefined;
  /** Required keys with no schema in `shape`. */
  missing: string[];
  minProperties: number | undefined;
  maxProperties: number | undefined;
}

export function objectSchema(parts: ObjectParts): z.ZodType {
  const { shape, patterns, additional } = parts;
  let object: z.ZodType;
  if (patterns.length === 0) {
    object =
      additional === false
        ? z.strictObject(shape)
        : additional
          ? z.object(shape).catchall(additional)
          : z.looseObject(shape);
  } else {
    object = z.looseObject(shape).superRefine((value, ctx) => {
      for (const [key, item] of Object.entries(value)) {
        let matched = Object.hasOwn(shape, key);
        for (const [pattern, schema] of patterns) {
          if (key.length > MAX_MATCHED_LENGTH || !pattern.test(key)) continue;
          matched = true;
          addIssues(ctx, schema.safeParse(item), [key]);
        }
        if (matched) continue;
        if (additional === false)
          ctx.addIssue({ code: "custom", path: [key], message: `unknown key "${key}"` });
        else if (additional) addIssues(ctx, additional.safeParse(item), [key]);
      }
    });
  }
  const { missing, keys, minProperties, maxProperties } = parts;
  if (missing.length === 0 && !keys && minProperties === undefined && maxProperties === undefined)
    return object;
  return object.superRefine((value, ctx) => {
    const names = Object.keys(value as object);
    for (const name of missing) {
      if (!names.includes(name))
        ctx.addIssue({ code: "custom", path: [name], message: "required property missing" });
    }
    if (minProperties !== undefined && names.length < minProperties) {
      ctx.addIssue({ code: "custom", message: `expected at least ${minProperties} properties` });
    }
    if (maxProperties !== undefined && names.length > maxProperties) {
      ctx.addIssue({ code: "custom", message: `expected at most ${maxProperties} properties` });
    }
    for (const name of keys ? names : []) {
      const result = keys!.safeParse(name);
      if (result.success) continue;
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `invalid key: ${result.error.issues[0]?.message}`,
      });
    }
  });
}

export interface ArrayParts {
  /** One schema for every item, or a tuple's positional schemas (`prefixItems`, draft 7's `items: [...]`). */
  items: z.ZodType | z.ZodType[];
  /** After a tuple's positions: a schema, or undefined when no more items are allowed. */
  rest: z.ZodType | undefined;
  minItems: number | undefined;
  maxItems: number | undefined;
  uniqueItems: boolean;
  contains: z.ZodType | undefined;
  minContains: number;
  maxContains: number | undefined;
}

export function arraySchema(parts: ArrayParts): z.ZodType {
  const { items, rest, minItems, maxItems } = parts;
  let array: z.ZodType;
  if (Array.isArray(items)) {
    const positional = items.map((item, i) => (i < (minItems ?? 0) ? item : item.optional()));
    const tuple = z.tuple(positional as [z.ZodType]);
    array = rest ? tuple.rest(rest) : tuple;
    if (minItems !== undefined) array = array.check(z.minLength(minItems));
    if (maxItems !== undefined) array = array.check(z.maxLength(maxItems));
  } else {
    let list = z.array(items);
    if (minItems !== undefined) list = list.min(minItems);
    if (maxItems !== undefined) list = list.max(maxItems);
    array = list;
  }
  const { uniqueItems, contains, minContains, maxContains } = parts;
  if (!uniqueItems && !contains) return array;
  return array.superRefine((value, ctx) => {
    const list = value as unknown[];
    if (uniqueItems) {
      const seen = new Map<string, number>();
      list.forEach((item, i) => {
        const key = canonicalKey(item);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, i);
        else
          ctx.addIssue({
            code: "custom",
            path: [i],
            message: `duplicates item ${first}: items must be unique`,
          });
      });
    }
    if (!contains) return;
    const matches = list.filter((item) => contains.safeParse(item).success).length;
    if (matches < minContains) {
      ctx.addIssue({
        code: "custom",
        message: `expected at least ${minContains} item(s) matching "contains"`,
      });
    }
    if (maxContains !== undefined && matches > maxContains) {
      ctx.addIssue({
        code: "custom",
        message: `expected at most ${maxContains} item(s) matching "contains"`,
      });
    }
  });
}

function addIssues(ctx: z.RefinementCtx, result: z.ZodSafeParseResult<unknown>, prefix: PropertyKey[]): void {
  if (result.success) return;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: "custom", path: [...prefix, ...issue.path], message: issue.message });
  }
}
