// P-7 in the browser: the enterprise applies for an apply-mode policy, uploads
// real PDFs and submits; the department returns it for supplement; the
// enterprise supplements and resubmits; the department approves with an
// amount; the enterprise sees the timeline at 已通过, and at 已兑付 once the
// department pays the disbursement batch (issue 6).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession, DEMO_PASSWORD, loginUi, screenshotPath, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A small but well-formed PDF (header, objects, cross-reference table, trailer) naming the material. */
function realPdf(label: string): Buffer {
  const text = label.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, '');
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** expect.poll with room for a busy machine (the default gives up after 1 s). */
function poll<T>(fn: () => Promise<T>) {
  return expect.poll(fn, { timeout: 15_000 });
}

async function statusText(p: Page): Promise<string> {
  return (await p.getByTestId('application-status').innerText()).trim();
}

describe('applications (申报)', () => {
  it('apply, upload, submit → return for supplement → resubmit → approve with an amount; the timeline shows 已通过, then 已兑付 once the batch pays (screenshot)', async () => {
    const found = (await (await fetch(`${h.url}/api/v1/policies?q=${encodeURIComponent('知识产权质押融资贴息')}&pageSize=5`)).json()) as { items: Array<{ id: number; title: string }> };
    const policy = found.items.find((i) => i.title === '闵行区知识产权质押融资贴息及风险补偿实施办法');
    expect(policy).toBeDefined();

    // The enterprise applies from the policy page.
    const ent = await h.newPage();
    await loginUi(ent, 'enterprise', DEMO_PASSWORD);
    await ent.goto(`/policies/${policy!.id}`);
    await ent.getByTestId(`apply-${policy!.id}`).click();
    await ent.waitForURL(/\/applications\/\d+$/);
    const appUrl = new URL(ent.url()).pathname;
    expect(await statusText(ent)).toBe('填报中');
    expect(await ent.getByTestId('form-uscc').innerText()).toBe('91310112MA1G5B2K7T');
    await poll(() => ent.getByTestId('current-step').innerText()).toContain('填报');

    await ent.locator('#application_contactName').fill('王经理');
    await ent.locator('#application_contactPhone').fill('13800138000');
    await ent.locator('#application_description').fill('申请 2026 年度知识产权质押融资贴息');
    // One real PDF per required material, chosen through the upload control.
    const materials = ent.locator('[data-testid^="material-"]');
    const count = await materials.count();
    expect(count).toBeGreaterThan(3);
    for (let i = 0; i < count; i++) {
      await ent.getByTestId(`material-${i}`).locator('input[type=file]').setInputFiles({ name: `材料${i + 1}.pdf`, mimeType: 'application/pdf', buffer: realPdf(`material ${i + 1}`) });
      await ent.getByTestId(`material-${i}`).getByTestId('uploaded-file').first().waitFor();
    }
    await ent.getByTestId('application-submit').click();
    await poll(() => statusText(ent)).toBe('待审核');
    await poll(() => ent.getByTestId('current-step').innerText()).toMatch(/部门审核.*办理期限：\d{4}-\d{2}-\d{2}/);

    // The department returns it for supplement.
    const dept = await h.newPage();
    await loginUi(dept, 'dept', DEMO_PASSWORD);
    await dept.getByTestId('side-menu').getByText('申报审核').click();
    await dept.waitForURL('**/application-review');
    await dept.getByTestId('applications-table').locator(`a[href="${appUrl}"]`).click();
    await dept.waitForURL(`**${appUrl}`);
    await dept.getByTestId('review-return').click();
    await dept.locator('#review-reason').fill('请补充加盖公章的利息支付凭证');
    await dept.locator('#review-ok').click();
    await poll(() => statusText(dept)).toBe('退回补正');

    // The enterprise sees why and by when, supplements and resubmits.
    await ent.reload();
    await poll(() => ent.getByTestId('returned-alert').innerText()).toContain('请补充加盖公章的利息支付凭证');
    await poll(() => ent.getByTestId('current-step').innerText()).toMatch(/退回补正.*办理期限/);
    await ent.getByTestId('material-0').locator('input[type=file]').setInputFiles({ name: '补充材料.pdf', mimeType: 'application/pdf', buffer: realPdf('supplement, stamped') });
    await ent.getByTestId('material-0').getByText('补充材料.pdf').waitFor();
    await ent.getByTestId('application-submit').click();
    await poll(() => statusText(ent)).toBe('待审核');

    // The department approves with an amount.
    await dept.reload();
    await dept.getByTestId('review-approve').click();
    await dept.locator('#review-amount').fill('56000');
    await dept.locator('#review-ok').click();
    await poll(() => statusText(dept)).toBe('已通过');

    // The enterprise sees the timeline at 已通过, waiting for the disbursement.
    await ent.reload();
    await poll(() => statusText(ent)).toBe('已通过');
    expect(await ent.getByTestId('approved-alert').innerText()).toContain('56,000.00');
    expect(await ent.getByTestId('step-decided').getAttribute('data-state')).toBe('finish');
    expect(await ent.getByTestId('step-returned').getAttribute('data-state')).toBe('finish');
    expect(await ent.getByTestId('step-paid').getAttribute('data-state')).toBe('process');
    expect(await ent.getByTestId('current-step').innerText()).toContain('已兑付');

    // The department pays the period's disbursement batch (benefits API); the enterprise then sees 已兑付.
    const api = await ApiSession.login(h.url, 'dept', DEMO_PASSWORD);
    const period = (await ent.getByTestId('application-period').innerText()).trim();
    const batch = (await (await api.post('/api/v1/benefits/batches', { policyId: policy!.id, period })).json()) as { id: number };
    expect((await api.post(`/api/v1/benefits/batches/${batch.id}/approve`, {})).status).toBe(200);
    expect((await api.post(`/api/v1/benefits/batches/${batch.id}/pay`, {})).status).toBe(200);
    await ent.reload();
    await poll(() => ent.getByTestId('step-paid').getAttribute('data-state')).toBe('finish');
    expect(await ent.getByTestId('approved-alert').innerText()).toContain('已兑付 56,000.00 元');
    await ent.screenshot({ path: screenshotPath('application-timeline.png'), fullPage: true });

    // 我的申报 lists it.
    await ent.getByTestId('side-menu').getByText('我的申报').click();
    await ent.waitForURL('**/my-applications');
    await poll(() => ent.getByTestId('applications-table').innerText()).toContain('闵行区知识产权质押融资贴息及风险补偿实施办法');
  });
});
