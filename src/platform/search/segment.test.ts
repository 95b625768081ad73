// Segmentation and highlighting (SPEC P-3): the domain dictionary keeps policy
// terms whole, the index also holds their sub-words, and highlights are text.
import { describe, expect, it } from 'vitest';
import { highlight, highlightMarked, queryTerms, segmentForIndex, segmentQuery, toPlainText } from './segment.ts';

describe('segmentation with the domain dictionary (P-3)', () => {
  it('keeps dictionary terms whole and indexes their sub-words too', () => {
    const idx = segmentForIndex('政策性融资担保贷款贴息').split(' ');
    expect(idx).toContain('融资担保');
    expect(idx).toContain('政策性融资担保');
    expect(idx).toContain('融资');
    expect(idx).toContain('担保');
    expect(idx).toContain('贴息');
    expect(segmentQuery('融资担保')).toEqual(['融资担保']);
  });

  it('does not split place names or domain terms into characters', () => {
    expect(segmentQuery('闵行区')).toEqual(['闵行区']);
    for (const t of ['专精特新', '小巨人', '免申即享', '首贷户', '上云用云', '跨国公司地区总部', '统一社会信用代码', '中小微企业']) expect(segmentQuery(t)).toEqual([t]);
    expect(segmentForIndex('闵行区关于支持专精特新小巨人企业的若干措施').split(' ')).toEqual(expect.arrayContaining(['闵行区', '专精特新', '小巨人', '若干措施']));
  });

  it('strips HTML, lowercases latin and drops punctuation', () => {
    expect(segmentForIndex('<p>支持<b>AI</b>企业&nbsp;上云用云</p><script>alert(1)</script>')).toBe('支持 ai 企业 上云用云');
    expect(segmentQuery('  ')).toEqual([]);
    expect(segmentQuery("&|!():* '; drop table x; --")).toEqual(['drop', 'table', 'x']);
  });

  it('drops function words from queries, but not everything', () => {
    expect(segmentQuery('关于融资担保的政策')).toEqual(['融资担保', '政策']);
    expect(segmentQuery('的')).toEqual(['的']);
  });

  it('gives compound query words the sub-words that spell them', () => {
    expect(queryTerms(['政策性融资担保'])).toEqual([{ word: '政策性融资担保', parts: ['政策性', '融资担保'] }]);
    expect(queryTerms(['闵行区'])).toEqual([{ word: '闵行区', parts: [] }]);
  });
});

describe('highlight (P-3)', () => {
  it('wraps matches and cuts a snippet around the first one', () => {
    const text = `${'前文'.repeat(100)}本措施支持中小微企业申请融资担保贷款，给予贴息。${'后文'.repeat(100)}`;
    const segs = highlight(text, ['融资担保', '贴息'], 40);
    expect(segs.map((s) => s.text).join('').length).toBeLessThanOrEqual(42);
    expect(segs.filter((s) => s.hit).map((s) => s.text)).toEqual(['融资担保', '贴息']);
    expect(segs[0]).toEqual({ text: '…', hit: false });
    expect(highlightMarked('政策性融资担保贷款贴息', ['融资担保'])).toBe('政策性«融资担保»贷款贴息');
  });

  it('never returns markup: HTML and script come out as plain text', () => {
    const html = '<p onclick="x()">融资担保<img src=x onerror=alert(1)></p><script>document.cookie</script><style>p{}</style>&lt;b&gt;';
    const segs = highlight(html, ['融资担保']);
    const joined = segs.map((s) => s.text).join('');
    expect(joined).not.toMatch(/<p|<img|<script|onerror|document\.cookie|onclick/);
    expect(segs).toContainEqual({ text: '融资担保', hit: true });
    for (const s of segs) expect(Object.keys(s).sort()).toEqual(['hit', 'text']);
    expect(toPlainText('a<br/>b &amp; c &#x4E2D;')).toBe('a b & c 中');
  });

  it('skips single characters when a longer token exists, matches latin case-insensitively', () => {
    expect(highlightMarked('融资担保与宝山区', ['融资', '宝'])).toBe('«融资»担保与宝山区');
    expect(highlightMarked('支持AI企业', ['ai'])).toBe('支持«AI»企业');
    expect(highlight('', ['x'])).toEqual([]);
  });
});
