import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderJournalHtml } from '../../../src/cli/render/journal-html.js';
import { renderJournalMarkdown } from '../../../src/cli/render/journal-md.js';
import type { BugDetail, JournalExport } from '../../../src/journal/index.js';

// The export renderers (src/cli/render/journal-{md,html}.ts) over a hand-built export.

const HOSTILE = 'fn main() do\n  # ``` fence breaker\n  println("</script><img src=x onerror=alert(1)>")\nend\n';

function bug(id: number, overrides: Partial<BugDetail> = {}): BugDetail {
  return {
    id,
    fingerprint: '0123456789abcdef',
    signature: 'compiler-crash||panicked at <img>',
    signatureVersion: 'sig-v1',
    stage: 'compiler-crash',
    code: '',
    message: 'panicked at | <img src=x onerror=alert(1)>',
    status: 'open',
    duplicateOf: null,
    verdict: { class: 'compiler', confidence: 0.95, reasons: ['meshc exited 101 </td>'] },
    workaround: null,
    fixedIn: null,
    firstSeen: '2026-04-01T00:00:00.000Z',
    lastSeen: '2026-04-02T00:00:00.000Z',
    occurrenceCount: 2,
    repro: { 'main.mpl': HOSTILE },
    reproDir: '/tmp/repros/1',
    occurrences: [],
    history: [{ at: '2026-04-01T00:00:00.000Z', actor: 'ada', field: 'status', from: 'open', to: 'wontfix', note: '<b>why</b>' }],
    ...overrides,
  };
}

const DATA: JournalExport = {
  format: 'mesher-triage-journal',
  schemaVersion: 2,
  exportedAt: '2026-04-03T00:00:00.000Z',
  bugs: [bug(1), bug(2, { status: 'duplicate', duplicateOf: 1, message: 'second' })],
  gaps: [],
  gapEvents: [],
};

describe('markdown export', () => {
  const md = renderJournalMarkdown(DATA);

  it('has a table row per bug with escaped cells', () => {
    expect(md).toContain('| 1 | open | compiler | compiler-crash | 2 | 2026-04-02 | panicked at \\| &lt;img src=x onerror=alert(1)&gt; |');
    expect(md).toContain('| 2 | duplicate-of #1 |');
    // Raw markup may only appear inside code (fences and spans), where Markdown shows it literally.
    const prose = md.replace(/^(`{3,})mesh\n[\s\S]*?\n\1$/gm, '').replace(/`[^`\n]*`/g, '');
    expect(prose).not.toMatch(/<[a-z/]/i);
  });

  it('fences repro code with more backticks than the code contains', () => {
    expect(md).toContain('````mesh\nfn main() do\n  # ``` fence breaker');
    expect(md).toContain('end\n````');
  });
});

describe('markdown export keeps text exactly as stored', () => {
  const signature = 'type-error||expected `Int`, found ``String`` in `fn` here';
  const md = renderJournalMarkdown({
    ...DATA,
    bugs: [bug(1, { signature, message: 'expected `Int` * 2_000 [sic] \\n', verdict: { class: 'known-gap', confidence: 0.5, reasons: [], gapKey: 'gap`key' } })],
  });

  it('shows a signature with backticks verbatim in a longer code span', () => {
    expect(md).toContain(`signature \`\`\`${signature}\`\`\` (sig-v1)`);
    expect(md).toContain('known gap ``gap`key``');
    expect(md).not.toContain("'Int'");
  });

  it('escapes Markdown marks in prose instead of dropping or replacing them', () => {
    expect(md).toContain('## #1: expected \\`Int\\` \\* 2\\_000 \\[sic\\] \\\\n');
  });

  it('pads a code span whose text starts or ends with a backtick', () => {
    const edge = renderJournalMarkdown({ ...DATA, bugs: [bug(1, { signature: '`x`' })] });
    expect(edge).toContain('signature `` `x` `` (sig-v1)');
  });
});

describe('html export', () => {
  const html = renderJournalHtml(DATA);

  it('escapes every value and keeps exactly one script', () => {
    expect(html).not.toContain('<img');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;why&lt;/b&gt;');
  });

  it('allows only its own inline script and style by hash', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'");
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*)<\/style>/.exec(html)![1]!;
    const hash = (s: string): string => `sha256-${createHash('sha256').update(s).digest('base64')}`;
    expect(csp).toContain(`script-src '${hash(script)}'`);
    expect(csp).toContain(`style-src '${hash(style)}'`);
    expect(csp).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)="https?:/);
  });
});
