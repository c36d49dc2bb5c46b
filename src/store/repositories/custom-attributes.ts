import type { Kysely } from 'kysely';
import { DomainError } from '../../core/errors.ts';
import type { CustomAttributeStore } from '../../core/ports.ts';
import type { CustomAttribute } from '../../core/user-flows/user-flow.ts';
import type { CustomAttributesTable, Database } from '../schema.ts';
import { isUniqueViolation } from './unique-violation.ts';

const toAttribute = (r: CustomAttributesTable): CustomAttribute => ({
  name: r.name,
  type: r.type as CustomAttribute['type'],
  required: Number(r.required) === 1,
  label: r.label,
});

export function createCustomAttributeRepository(db: Kysely<Database>): CustomAttributeStore {
  return {
    async list(tenantId) {
      return (await db.selectFrom('custom_attributes').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute()).map(toAttribute);
    },
    async insert(tenantId, a, at) {
      try {
        await db
          .insertInto('custom_attributes')
          .values({ tenant_id: tenantId, name: a.name, type: a.type, required: a.required ? 1 : 0, label: a.label, created_at: at })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DomainError('attribute_exists');
        throw error;
      }
    },
    async update(tenantId, a) {
      await db
        .updateTable('custom_attributes')
        .set({ type: a.type, required: a.required ? 1 : 0, label: a.label })
        .where('tenant_id', '=', tenantId)
        .where('name', '=', a.name)
        .execute();
    },
    async delete(tenantId, name) {
      await db.deleteFrom('custom_attributes').where('tenant_id', '=', tenantId).where('name', '=', name).execute();
    },
  };
}
