import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/audit.ts';
import { Errors } from '../../platform/errors.ts';
import type { ModuleManifest } from '../../platform/module.ts';
import { addSubscriber, markRead, notifyNewlyEligible, WEBHOOK_EVENTS } from './commands.ts';
import { notificationMigrations } from './migrations.ts';
import { WebhookSender } from './sender.ts';
import { signWebhook, verifyWebhook } from './signature.ts';

export { notifyNewlyEligible, signWebhook, verifyWebhook, WebhookSender };
export { notifiedCounts, sendEnterpriseMessages } from './stats.ts';

/** 消息与推送: in-app inbox for enterprises and signed outbound webhooks (P-6, first part). */
export const notificationsModule: ModuleManifest = {
  name: 'notifications',
  migrations: notificationMigrations,
  workers: (ctx) => new WebhookSender(ctx.db, ctx.log),
  async routes(app, { db }) {
    app.get(
      '/messages',
      { config: { access: ['enterprise'], scope: 'filtered' }, schema: { tags: ['notifications'], summary: '本企业的消息（政策推送等）', querystring: Type.Object({ page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }) } },
      async (req) => {
        const uscc = req.user!.uscc;
        if (!uscc) throw Errors.forbidden();
        const { page, pageSize } = req.query as { page: number; pageSize: number };
        const base = db.selectFrom('messages').where('uscc', '=', uscc);
        const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
        const { unread } = await base.where('read_at', 'is', null).select((eb) => eb.fn.countAll<number>().as('unread')).executeTakeFirstOrThrow();
        const rows = await base.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
        return {
          total: Number(total),
          unread: Number(unread),
          items: rows.map((m) => ({ id: Number(m.id), kind: m.kind, title: m.title, body: m.body, link: m.link, createdAt: new Date(m.created_at).toISOString(), read: m.read_at !== null })),
        };
      },
    );
    app.post('/messages/:id/read', { config: { access: ['enterprise'], scope: { param: 'id', owner: 'message' } }, schema: { tags: ['notifications'], summary: '标记已读', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } }, async (req, reply) => {
      await markRead(db, req.user!.uscc ?? '', (req.params as { id: number }).id);
      return reply.status(204).send();
    });
    app.get('/webhooks', { config: { access: ['admin'], scope: 'global' }, schema: { tags: ['notifications'], summary: 'Webhook 订阅' } }, async () => {
      const rows = await db.selectFrom('webhook_subscribers').select(['id', 'name', 'url', 'events', 'active', 'created_at']).orderBy('id').execute();
      return { items: rows.map((r) => ({ id: Number(r.id), name: r.name, url: r.url, events: r.events, active: r.active, createdAt: new Date(r.created_at).toISOString() })) };
    });
    app.post(
      '/webhooks',
      {
        config: { access: ['admin'], scope: 'global' },
        schema: {
          tags: ['notifications'],
          summary: '新增 Webhook 订阅（密钥只显示一次）',
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), url: Type.String({ maxLength: 500 }), events: Type.Array(Type.String({ maxLength: 50 }), { minItems: 1, maxItems: 10 }) }, { additionalProperties: false }),
        },
      },
      async (req, reply) => {
        const s = await addSubscriber(db, actorOf(req.user!), req.body as { name: string; url: string; events: string[] });
        return reply.status(201).send({ ...s, events: WEBHOOK_EVENTS });
      },
    );
    app.get('/webhooks/:id/deliveries', { config: { access: ['admin'], scope: { param: 'id', owner: 'webhook' } }, schema: { tags: ['notifications'], summary: '投递记录', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } }, async (req) => {
      const rows = await db.selectFrom('webhook_deliveries').select(['id', 'event', 'status', 'attempts', 'last_error', 'created_at', 'delivered_at']).where('subscriber_id', '=', (req.params as { id: number }).id).orderBy('id', 'desc').limit(200).execute();
      return { items: rows.map((r) => ({ ...r, id: Number(r.id), created_at: new Date(r.created_at).toISOString(), delivered_at: r.delivered_at ? new Date(r.delivered_at).toISOString() : null })) };
    });
  },
};
