import { createRequire } from "node:module";
// Types only (Fastify's own .d.ts imports them): the packages are Fastify's dependencies, not ours.
import type { BuildCompilerFromPool as ValidatorFactory } from "@fastify/ajv-compiler";
import type { SerializerFactory } from "@fastify/fast-json-stringify-compiler";
import type { FastifyServerOptions } from "fastify";

// Resolved from fastify's own folder, where npm installs its dependencies.
const fromFastify = () => createRequire(createRequire(import.meta.url).resolve("fastify"));
let validators: ValidatorFactory | undefined;
let serializers: SerializerFactory | undefined;

const buildValidator: ValidatorFactory = (externalSchemas, options) => {
  validators ??= (fromFastify()("@fastify/ajv-compiler") as () => ValidatorFactory)();
  return validators(externalSchemas, options);
};
const buildSerializer: SerializerFactory = (externalSchemas, options) => {
  serializers ??= (fromFastify()("@fastify/fast-json-stringify-compiler") as () => SerializerFactory)();
  return serializers(externalSchemas, options);
};

/**
 * Fastify's default schema compilers (ajv through @fastify/ajv-compiler, fast-json-stringify), required when a
 * route first declares a JSON schema instead of when `Fastify()` is called: Fastify requires both at construction,
 * ~0.1 s of CPU before listening (bench/startup.ts), and our routes validate with zod (parseBody, defineApiRoute),
 * so `serve` never needs them. Same compilers, built with the same (default) options, on first use.
 *
 * One difference, should a route ever declare `schema.headers`: Fastify treats a factory passed here as custom
 * and then leaves that schema's property names as written instead of lower-casing them; write them lower-case.
 */
export const lazySchemaCompilers: NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"] =
  { buildValidator, buildSerializer };
