import { type ChangeActor, inTenantChange, recordChange } from '../audit/admin-change.ts';
import { assertIfMatch, etagOf } from '../concurrency/etag.ts';
import { assertThat } from '../errors.ts';
import type { TenantId } from '../ids.ts';
import type { CoreDeps, Store } from '../ports.ts';
import type { Tagged } from '../user-flows/user-flow-admin.ts';
import { type Branding, checkBranding, DEFAULT_BRANDING, isBrandingLocale } from './branding.ts';

const tagged = (branding: Branding): Tagged<Branding> => ({ view: branding, etag: etagOf(branding) });

/** A language's branding, or the defaults while it has none (so it can be read, then replaced with If-Match). */
async function current(store: Store, tenantId: TenantId, locale: string): Promise<Branding> {
  assertThat(isBrandingLocale(locale), 'invalid_branding', `"${locale}" is not a language tag (e.g. en, de-DE) nor "default".`);
  return (await store.branding.find(tenantId, locale)) ?? DEFAULT_BRANDING;
}

/** Per-language branding of a tenant, as administrators manage it. */
export function createBrandingAdmin({ store, clock }: CoreDeps) {
  async function replace(tenantId: TenantId, locale: string, branding: Branding, ifMatch: string | undefined, actor: ChangeActor): Promise<Tagged<Branding>> {
    checkBranding(branding);
    return inTenantChange(store, tenantId, async (tx) => {
      const before = await current(tx, tenantId, locale);
      assertIfMatch(ifMatch, etagOf(before));
      await tx.branding.put(tenantId, locale, branding, clock.now());
      await recordChange(tx, clock, { tenantId, actor, action: 'branding.updated', target: locale, before, after: branding });
      return tagged(branding);
    });
  }

  /** Drops the language's branding: its pages fall back to the defaults. */
  async function reset(tenantId: TenantId, locale: string, ifMatch: string | undefined, actor: ChangeActor): Promise<void> {
    await inTenantChange(store, tenantId, async (tx) => {
      const before = await current(tx, tenantId, locale);
      assertIfMatch(ifMatch, etagOf(before));
      await tx.branding.delete(tenantId, locale);
      await recordChange(tx, clock, { tenantId, actor, action: 'branding.reset', target: locale, before, after: null });
    });
  }

  return {
    list: (tenantId: TenantId) => store.branding.list(tenantId),
    get: async (tenantId: TenantId, locale: string) => tagged(await current(store, tenantId, locale)),
    replace,
    reset,
  };
}

export type BrandingAdmin = ReturnType<typeof createBrandingAdmin>;
