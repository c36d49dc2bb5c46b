import type { TenantId, UserFlowId } from '../ids.ts';

export type SignInMethod = 'email_password' | 'email_otp';

export interface CustomAttribute {
  name: string;
  type: 'string' | 'number' | 'boolean';
  required: boolean;
  label: string;
}

/** A "sign up and sign in" user flow: how customers of the apps that use it get in. */
export interface UserFlow {
  id: UserFlowId;
  tenantId: TenantId;
  name: string;
  methods: SignInMethod[];
  /** Built-in attribute names (displayName, givenName, surname, city, country…) collected at sign-up. */
  attributes: string[];
  customAttributes: CustomAttribute[];
  ssprEnabled: boolean;
  createdAt: number;
}
