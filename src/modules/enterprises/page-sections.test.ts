import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleManifest } from '../../platform/module.ts';
import { MODULES } from '../../server/modules.ts';
import { testApp, type TestApp } from '../../server/testing.ts';
import { DEMO_ENTERPRISE_USCC } from './index.ts';

// 一企一页 (E-3): later modules fill the page through `enterprisePage` in their
// manifest; a section with no items is not shown at all.
const withItems: ModuleManifest = {
  name: 'test-requests',
  enterprisePage: async (_ctx, uscc, user) => ({ key: 'requests', title: '企业诉求', items: [{ title: `诉求 for ${uscc}`, status: '办理中', detail: `viewer ${user.role}` }] }),
};
const empty: ModuleManifest = { name: 'test-empty', enterprisePage: async () => ({ key: 'credit', title: '信用记录', items: [] }) };
const none: ModuleManifest = { name: 'test-none', enterprisePage: async () => null };

describe('一企一页 registration point', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({}, [...MODULES, withItems, empty, none]);
  });
  afterAll(async () => t?.close());

  it('shows registered sections with items, for the viewer, and hides empty ones', async () => {
    const s = await t.login('enterprise');
    const page = (await s.request({ method: 'GET', url: `/api/v1/enterprises/${DEMO_ENTERPRISE_USCC}/page` })).json() as { sections: Array<{ key: string; items: Array<{ title: string; detail: string }> }> };
    const keys = page.sections.map((x) => x.key);
    expect(keys).toContain('requests');
    expect(keys).not.toContain('credit');
    expect(page.sections.find((x) => x.key === 'requests')!.items[0]).toMatchObject({ title: `诉求 for ${DEMO_ENTERPRISE_USCC}`, detail: 'viewer enterprise' });
  });
});
