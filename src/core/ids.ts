/** Branded ids, so a FlowId cannot be passed where a UserId is expected. */
export type TenantId = string & { readonly __brand: 'TenantId' };
export type AppId = string & { readonly __brand: 'AppId' };
export type UserId = string & { readonly __brand: 'UserId' };
export type FlowId = string & { readonly __brand: 'FlowId' };
export type UserFlowId = string & { readonly __brand: 'UserFlowId' };
export type GroupId = string & { readonly __brand: 'GroupId' };
