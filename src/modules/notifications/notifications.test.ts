import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../platform/jobs.ts';
import { jobHandlers } from '../../server/start.ts';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { DEMO_ENTERPRISE_USCC } from '../enterprises/index.ts';
import { signWebhook, verifyWebhook, WebhookSender } from './index.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
let t: TestApp;
const as: Record<string, Session> = {};
let receiver: http.Server;
let receiverUrl = '';
const received: Array<{ body: string; signature: string; delivery: string }> = [];
let failNext = 0;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      received.push({ body, signature: String(req.headers['x-qifu-signature']), delivery: String(req.headers['x-qifu-delivery']) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await testApp();
  for (const u of ['admin', 'enterprise', 'dept']) as[u] = await t.login(u);
});
afterAll(async () => {
  await t?.close();
  await new Promise((r) => receiver.close(r));
});

describe('webhook signature', () => {
  it('verifies its own signature and rejects tampering, other secrets and stale timestamps', () => {
    const now = 1_800_000_000;
    const sig = signWebhook('s3cret', now, '{"a":1}');
    expect(verifyWebhook('s3cret', sig, '{"a":1}', now)).toBe(true);
    expect(verifyWebhook('s3cret', sig, '{"a":2}', now)).toBe(false);
    expect(verifyWebhook('other', sig, '{"a":1}', now)).toBe(false);
    expect(verifyWebhook('s3cret', sig, '{"a":1}', now + 3600)).toBe(false);
    expect(verifyWebhook('s3cret', 'garbage', '{"a":1}', now)).toBe(false);
  });
});

describe('精准推送 (P-6, first part)', () => {
  it('pushes newly eligible enterprises to their inbox and to a signed webhook, retrying failures', async () => {
    const sub = await as.admin!.request({ method: 'POST', url: '/api/v1/webhooks', payload: { name: '区数据局', url: receiverUrl, events: ['policy.eligible'] } });
    expect(sub.statusCode).toBe(201);
    const { secret } = sub.json() as { secret: string };
    expect((await as.admin!.request({ method: 'POST', url: '/api/v1/webhooks', payload: { name: 'x', url: 'ftp://x', events: ['policy.eligible'] } })).statusCode).toBe(400);
    expect((await as.dept!.request({ method: 'POST', url: '/api/v1/webhooks', payload: { name: 'x', url: receiverUrl, events: ['policy.eligible'] } })).statusCode).toBe(403);
    const before = (await as.enterprise!.request({ method: 'GET', url: '/api/v1/messages' })).json() as { total: number; unread: number };

    // The district's market regulator publishes a policy the demo enterprise qualifies for.
    const created = await as.dept!.request({
      method: 'POST',
      url: '/api/v1/policies',
      payload: { title: '闵行区软件企业质量提升奖励（推送测试）', department: 'scjgj', category: '资金补贴', mode: 'auto', keyPoints: ['免申即享'], text: '<p>奖励</p>', eligibility: { '==': [{ var: 'uscc' }, DEMO_ENTERPRISE_USCC] }, materials: [], tags: [] },
    });
    const { id } = created.json() as { id: number };
    await as.dept!.request({ method: 'POST', url: `/api/v1/policies/${id}/submit`, payload: {} });
    await as.dept!.request({ method: 'POST', url: `/api/v1/policies/${id}/publish`, payload: {} });
    await new JobRunner(t.db, jobHandlers(), silent).drain();

    const inbox = (await as.enterprise!.request({ method: 'GET', url: '/api/v1/messages' })).json() as { total: number; unread: number; items: Array<{ id: number; title: string; link: string; read: boolean }> };
    expect(inbox.total).toBe(before.total + 1);
    expect(inbox.items[0]).toMatchObject({ title: '政策推送：闵行区软件企业质量提升奖励（推送测试）', link: `/policies/${id}`, read: false });
    expect((await as.enterprise!.request({ method: 'POST', url: `/api/v1/messages/${inbox.items[0]!.id}/read`, payload: {} })).statusCode).toBe(204);
    expect(((await as.enterprise!.request({ method: 'GET', url: '/api/v1/messages' })).json() as { unread: number }).unread).toBe(inbox.unread - 1);
    expect((await as.enterprise!.request({ method: 'POST', url: '/api/v1/messages/999999/read', payload: {} })).statusCode).toBe(404);
    expect((await as.dept!.request({ method: 'GET', url: '/api/v1/messages' })).statusCode).toBe(403);

    // First attempt fails (503): the delivery stays pending and is retried, then arrives signed.
    failNext = 1;
    const sender = new WebhookSender(t.db, silent);
    expect(await sender.deliverDue()).toBe(0);
    expect(received).toHaveLength(0);
    expect(await sender.deliverDue(new Date(Date.now() + 3600_000))).toBe(1);
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(verifyWebhook(secret, got.signature, got.body, Math.floor(Date.now() / 1000))).toBe(true);
    expect(JSON.parse(got.body)).toMatchObject({ event: 'policy.eligible', policy: { id, version: 1 }, usccs: [DEMO_ENTERPRISE_USCC] });
    expect(await sender.deliverDue(new Date(Date.now() + 7200_000))).toBe(0);
  });
});
