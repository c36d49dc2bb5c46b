import fc from 'fast-check';
import { anyValue, huge, SPECIALS } from './arbitraries.ts';

/**
 * JSON values shaped by a JSON Schema (the subset the admin API's OpenAPI document uses), and
 * their mutations: right types mostly, so requests reach the handlers, then one field of a
 * wrong type, out of bounds, hostile text, nested too deep, missing or unknown.
 */

/** The JSON Schema keywords the admin API's route schemas use. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
}

/**
 * Values the caller knows better than the schema, by field name (a real group id where the
 * policy names targets, a redirect URI where one belongs); undefined to let the schema decide.
 */
export type Hints = (field: string, schema: JsonSchema) => fc.Arbitrary<unknown> | undefined;

const typesOf = (schema: JsonSchema): string[] => {
  if (schema.type !== undefined) return [schema.type].flat();
  if (schema.properties || schema.additionalProperties !== undefined) return ['object'];
  if (schema.items) return ['array'];
  return ['string'];
};

/** A string the schema accepts: by its pattern or format, within its lengths. */
function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 64;
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.pattern) {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => [...s].length >= min && [...s].length <= max);
  }
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: Math.max(min, 1), maxLength: Math.max(Math.min(max, 24), Math.max(min, 1)) }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: Math.max(Math.min(max, 12), Math.max(min, 1)) }) },
  );
}

function validNumber(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1_000_000;
  const max = schema.maximum ?? 1_000_000;
  const inside = integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ weight: 3, arbitrary: inside }, { weight: 1, arbitrary: fc.constantFrom(min, max) });
}

/** A value of `schema` (field `field` of its parent), valid as far as the schema can say. */
export function validValue(schema: JsonSchema, field: string, hints: Hints): fc.Arbitrary<unknown> {
  const hinted = hints(field, schema);
  if (hinted) return hinted;
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => validValue(s, field, hints)));
  return fc.constantFrom(...typesOf(schema)).chain((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return validNumber(schema, true);
      case 'number':
        return validNumber(schema, false);
      case 'array': {
        const item = validValue(schema.items ?? {}, `${field}[]`, hints);
        const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)) };
        return schema.uniqueItems ? fc.uniqueArray(item, { ...constraints, selector: (v) => JSON.stringify(v) }) : fc.array(item, constraints);
      }
      case 'object':
        return objectOf(schema, hints);
      default:
        return validString(schema);
    }
  });
}

/** An object with every required field and some of the optional ones (or, for a map, a few entries). */
function objectOf(schema: JsonSchema, hints: Hints): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const fields = fc.record(Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, validValue(s, name, hints)])), {
    requiredKeys: Object.keys(properties).filter((name) => required.has(name)),
  });
  const extra = schema.additionalProperties;
  if (typeof extra !== 'object') return fields as fc.Arbitrary<Record<string, unknown>>;
  const key = (hints('<key>', schema.propertyNames ?? {}) as fc.Arbitrary<string> | undefined) ?? validString(schema.propertyNames ?? {});
  const entries = fc.dictionary(key, validValue(extra, '<value>', hints), { maxKeys: Math.min(schema.maxProperties ?? 4, 4) });
  return fc.tuple(fields, entries).map(([a, b]) => ({ ...b, ...a }));
}

/** Deeply nested arrays or objects: valid JSON that recursive walkers and validators must survive. */
export const deep: fc.Arbitrary<unknown> = fc.tuple(fc.constantFrom(64, 500, 3000), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

/** A value that breaks `schema`: another type, out of bounds, too long, hostile text, too deep. */
function breaking(schema: JsonSchema, field: string, hints: Hints): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  const options: Array<fc.WeightedArbitrary<unknown>> = [
    { weight: 3, arbitrary: fc.constantFrom<unknown>({}, [], 'x', '', 0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, true, false, null, ['x'], { '': 1 }) },
    { weight: 3, arbitrary: anyValue },
    { weight: 1, arbitrary: deep },
  ];
  if (types.includes('string')) {
    options.push(
      { weight: 2, arbitrary: huge },
      { weight: 2, arbitrary: fc.constantFrom(...SPECIALS) },
      { weight: 1, arbitrary: fc.constant('x'.repeat((schema.maxLength ?? 64) + 1)) },
      // Whitespace-only or normalisation-sensitive text of the right length.
      { weight: 1, arbitrary: fc.constantFrom(' ', '\t\n', '\u00a0', '\u3000', 'ﬁ', 'Å', 'Å', '\u0301', '\u200d') },
    );
  }
  if (types.includes('integer') || types.includes('number')) {
    const min = schema.minimum ?? 0;
    const max = schema.maximum ?? 0;
    options.push({ weight: 3, arbitrary: fc.constantFrom(min - 1, max + 1, min + 0.5, -max, max * 1000, Number.MAX_SAFE_INTEGER, -1e308) });
  }
  if (types.includes('array') && schema.items) {
    const item = validValue(schema.items, `${field}[]`, hints);
    options.push(
      { weight: 2, arbitrary: fc.array(item, { minLength: (schema.maxItems ?? 8) + 1, maxLength: (schema.maxItems ?? 8) + 3 }) },
      { weight: 2, arbitrary: item.map((v) => [v, v]) },
      { weight: 2, arbitrary: fc.array(shaped(schema.items, `${field}[]`, hints), { minLength: 1, maxLength: 3 }) },
    );
  }
  if (types.includes('object')) options.push({ weight: 4, arbitrary: shaped(schema, field, hints) });
  return fc.oneof(...options);
}

const UNKNOWN_KEYS = ['zz', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'id', 'tenantId', 'createdAt', 'etag', 'Name', 'name '];

/**
 * A value for `schema`, mutated one way now and then: valid (most often), one field missing,
 * an unknown field, one field broken (recursively, so nested objects are broken inside too).
 */
export function shaped(schema: JsonSchema, field: string, hints: Hints): fc.Arbitrary<unknown> {
  const valid = validValue(schema, field, hints);
  if (!typesOf(schema).includes('object') || schema.enum) return valid;
  const asObject = valid.map((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}));
  const names = Object.keys(schema.properties ?? {});
  const options: Array<fc.WeightedArbitrary<unknown>> = [
    { weight: 8, arbitrary: valid },
    {
      weight: 1,
      arbitrary: fc.tuple(asObject, fc.constantFrom(...UNKNOWN_KEYS), anyValue).map(([o, k, v]) => ({ ...o, [k]: v })),
    },
  ];
  if (names.length > 0) {
    options.push(
      {
        weight: 4,
        arbitrary: fc
          .constantFrom(...names)
          .chain((name) => fc.tuple(asObject, fc.constant(name), breaking(schema.properties?.[name] ?? {}, name, hints)))
          .map(([o, k, v]) => ({ ...o, [k]: v })),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(asObject, fc.constantFrom(...names)).map(([o, k]) => Object.fromEntries(Object.entries(o).filter(([name]) => name !== k))),
      },
    );
  }
  return fc.oneof(...options);
}
