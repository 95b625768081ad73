import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;
type ValidatorFactory = NonNullable<NonNullable<SchemaController['compilersFactory']>['buildValidator']>;
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string };
type Compile = (route: RouteSchema) => unknown;

const COMMON = { removeAdditional: false, useDefaults: true, allErrors: false } as const;

/**
 * Schema validation per part of the request (SPEC §10: a value of the wrong
 * JSON type is refused, never coerced). A JSON body is validated as sent:
 * "5" is not a number, [1,2] is not a number, true is not 1, null is not 0.
 * Query strings and path parameters are text by nature, so numbers and
 * booleans are parsed from them, and a single `?tag=x` may stand for a list
 * (coerceTypes 'array'). Both use Fastify's own Ajv setup (formats included).
 */
export function partSchemaController(): SchemaController {
  const pool = AjvCompiler();
  const buildValidator = (externalSchemas: Record<string, never>, ajvOptions?: { plugins?: never[]; onCreate?: never }) => {
    const body = pool(externalSchemas, { ...ajvOptions, customOptions: { ...COMMON, coerceTypes: false } }) as unknown as Compile;
    const text = pool(externalSchemas, { ...ajvOptions, customOptions: { ...COMMON, coerceTypes: 'array' } }) as unknown as Compile;
    return (route: RouteSchema) => (route.httpPart === 'body' ? body : text)(route);
  };
  return { compilersFactory: { buildValidator: buildValidator as unknown as ValidatorFactory } };
}
