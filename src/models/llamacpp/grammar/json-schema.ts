/**
 * The JSON Schema keywords this folder reads. `@ai-sdk/provider` types its
 * schemas as `JSONSchema7` from `@types/json-schema`, which is not installed
 * here (so it is `any`); this interface keeps our own code typed.
 */
export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaDefinition>;
  required?: string[];
  additionalProperties?: JsonSchemaDefinition;
  propertyNames?: JsonSchemaDefinition;
  minProperties?: number;
  maxProperties?: number;
  items?: JsonSchemaDefinition | JsonSchemaDefinition[];
  prefixItems?: JsonSchemaDefinition[];
  additionalItems?: JsonSchemaDefinition;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  multipleOf?: number;
  anyOf?: JsonSchemaDefinition[];
  oneOf?: JsonSchemaDefinition[];
  allOf?: JsonSchemaDefinition[];
  $ref?: string;
  $defs?: Record<string, JsonSchemaDefinition>;
  definitions?: Record<string, JsonSchemaDefinition>;
  description?: string;
  nullable?: boolean;
  [keyword: string]: unknown;
}

export type JsonSchemaDefinition = JsonSchema | boolean;
