import { DomainError } from '../errors.ts';
import { isBuiltInAttribute } from '../users/attributes.ts';
import type { CustomAttribute, SignInMethod } from './user-flow.ts';

/**
 * The rules a user flow keeps whatever front door changes it: at least one method, and SSPR only
 * with Email with password (a reset sets a password). Contradictions are refused, never fixed up.
 */
export function checkFlowShape(methods: readonly SignInMethod[], ssprEnabled: boolean): void {
  if (methods.length === 0) throw new DomainError('user_flow_needs_method');
  if (ssprEnabled && !methods.includes('email_password')) throw new DomainError('sspr_needs_password');
}

/**
 * Splits the attribute names a flow collects into built-in names and the tenant's custom
 * definitions; a name that is neither is unknown_attribute. Duplicates collapse.
 */
export function resolveAttributes(
  names: readonly string[],
  defined: readonly CustomAttribute[],
): { attributes: string[]; customAttributes: CustomAttribute[] } {
  const attributes: string[] = [];
  const customAttributes: CustomAttribute[] = [];
  for (const name of new Set(names)) {
    if (isBuiltInAttribute(name)) {
      attributes.push(name);
      continue;
    }
    const definition = defined.find((d) => d.name === name);
    if (!definition) throw new DomainError('unknown_attribute', `"${name}" is neither a built-in attribute nor a custom attribute of the tenant.`);
    customAttributes.push(definition);
  }
  return { attributes, customAttributes };
}

/** A custom attribute's name: a letter, then letters, digits or underscores, at most 64; never a built-in name. */
export function checkAttributeName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) || isBuiltInAttribute(name)) {
    throw new DomainError('invalid_input', `"${name}" is not a valid custom attribute name (a letter, then letters, digits or _; not a built-in name).`);
  }
}
