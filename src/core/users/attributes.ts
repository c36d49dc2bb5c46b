import { DomainError } from '../errors.ts';
import type { CustomAttribute } from '../user-flows/user-flow.ts';
import type { AttributeValue } from './user.ts';

/** Entra's built-in attributes that a user flow can collect, with their maximum lengths. */
export const BUILT_IN_ATTRIBUTES = {
  displayName: { label: 'Display name', maxLength: 256 },
  givenName: { label: 'Given name', maxLength: 64 },
  surname: { label: 'Surname', maxLength: 64 },
  jobTitle: { label: 'Job title', maxLength: 128 },
  streetAddress: { label: 'Street address', maxLength: 1024 },
  city: { label: 'City', maxLength: 128 },
  state: { label: 'State/Province', maxLength: 128 },
  postalCode: { label: 'Postal code', maxLength: 40 },
  country: { label: 'Country/Region', maxLength: 128 },
} as const;

export type BuiltInAttribute = keyof typeof BUILT_IN_ATTRIBUTES;

export const isBuiltInAttribute = (name: string): name is BuiltInAttribute => Object.hasOwn(BUILT_IN_ATTRIBUTES, name);

/** One field of the sign-up form, derived from the user flow. */
export interface AttributeField {
  name: string;
  label: string;
  type: 'string' | 'number' | 'boolean';
  required: boolean;
  maxLength: number;
}

/** Built-in attributes are optional except the display name (Entra asks for it); custom ones say. */
export function attributeFields(builtIn: readonly string[], custom: readonly CustomAttribute[]): AttributeField[] {
  const fields: AttributeField[] = builtIn.filter(isBuiltInAttribute).map((name) => ({
    name,
    label: BUILT_IN_ATTRIBUTES[name].label,
    type: 'string',
    required: name === 'displayName',
    maxLength: BUILT_IN_ATTRIBUTES[name].maxLength,
  }));
  for (const c of custom) fields.push({ name: c.name, label: c.label, type: c.type, required: c.required, maxLength: 250 });
  return fields;
}

/** Parses submitted form values into typed attributes, or throws attribute_required/attribute_invalid. */
export function parseAttributes(fields: readonly AttributeField[], raw: Record<string, string | undefined>): Record<string, AttributeValue> {
  const values: Record<string, AttributeValue> = {};
  for (const field of fields) {
    const input = (raw[field.name] ?? '').normalize('NFKC').trim();
    if (field.type === 'boolean') {
      const checked = input === 'true' || input === 'on';
      if (field.required && !checked) throw new DomainError('attribute_required', `${field.label} is required.`);
      values[field.name] = checked;
      continue;
    }
    if (input === '') {
      if (field.required) throw new DomainError('attribute_required', `${field.label} is required.`);
      continue;
    }
    if ([...input].length > field.maxLength) throw new DomainError('attribute_invalid', `${field.label} is too long.`);
    if (field.type === 'number') {
      const n = Number(input);
      if (!Number.isFinite(n) || !/^-?\d+(\.\d+)?$/.test(input)) throw new DomainError('attribute_invalid', `${field.label} must be a number.`);
      values[field.name] = n;
    } else {
      values[field.name] = input;
    }
  }
  return values;
}
