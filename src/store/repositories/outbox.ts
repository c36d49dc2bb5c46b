import type { Kysely } from 'kysely';
import type { TenantId } from '../../core/ids.ts';
import type { MailTemplate } from '../../core/mail/outgoing-mail.ts';
import type { OutboxStore, QueuedMail } from '../../core/ports.ts';
import type { Database, OutboxTable } from '../schema.ts';

const toMail = (r: OutboxTable): QueuedMail => ({
  id: r.id,
  tenantId: r.tenant_id as TenantId,
  to: r.recipient,
  template: r.template as MailTemplate,
  locale: r.locale,
  params: JSON.parse(r.params) as Record<string, string | number>,
  createdAt: Number(r.created_at),
  attempts: Number(r.attempts),
});

export function createOutboxRepository(db: Kysely<Database>): OutboxStore {
  return {
    async enqueue(m) {
      await db
        .insertInto('outbox')
        .values({
          id: m.id,
          tenant_id: m.tenantId,
          recipient: m.to,
          template: m.template,
          locale: m.locale,
          params: JSON.stringify(m.params),
          created_at: m.createdAt,
          attempts: 0,
          due_at: m.createdAt,
          sent_at: null,
          last_error: null,
        })
        .execute();
    },
    async claimDue(now, limit, leaseMs) {
      const due = await db
        .selectFrom('outbox')
        .selectAll()
        .where('sent_at', 'is', null)
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .limit(limit)
        .execute();
      const claimed: QueuedMail[] = [];
      for (const row of due) {
        // The lease is a conditional update: of two nodes racing for a row, only one moves due_at.
        const result = await db
          .updateTable('outbox')
          .set({ due_at: now + leaseMs })
          .where('id', '=', row.id)
          .where('due_at', '=', row.due_at)
          .where('sent_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) claimed.push(toMail(row));
      }
      return claimed;
    },
    async markSent(id, at) {
      await db.updateTable('outbox').set({ sent_at: at, params: '{}', last_error: null }).where('id', '=', id).execute();
    },
    async markFailed(id, error, retryAt) {
      await db
        .updateTable('outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 1024), due_at: retryAt }))
        .where('id', '=', id)
        .execute();
    },
    async markDead(id, error) {
      await db
        .updateTable('outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 1024), due_at: Number.MAX_SAFE_INTEGER, params: '{}' }))
        .where('id', '=', id)
        .execute();
    },
    async pendingCount() {
      const row = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('sent_at', 'is', null).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
