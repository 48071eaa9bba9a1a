import fc from 'fast-check';
import { renderMarkdown } from '../../src/report/render-markdown';
import { renderText } from '../../src/report/render-text';
import { largestFitting, summarizer } from '../../src/report/summary';
import type { AuditReport } from '../../src/report/types';
import { auditDirectory, EXAMPLE_ACCOUNT } from './audited';

let example: AuditReport;
beforeAll(async () => {
  example = await auditDirectory(EXAMPLE_ACCOUNT);
});

/** The example report with `n` principals: only the length of the lists matters to the search. */
const withPrincipals = (n: number): AuditReport => ({
  ...example,
  principals: new Array<AuditReport['principals'][number]>(n).fill(example.principals[0]!),
});

describe('the search for the largest summary that fits', () => {
  it('finds the largest item count that fits, for any list length and limit', () => {
    fc.assert(
      fc.property(fc.nat({ max: 5000 }), fc.nat({ max: 6000 }), (items, fitting) => {
        const report = withPrincipals(items);
        const kept = largestFitting(
          report,
          (keep) => keep,
          (keep) => keep <= fitting,
        );
        const most = Math.max(items, example.instances.length, example.findings.length);
        expect(kept).toBe(Math.min(fitting, most));
      }),
    );
  });

  it('never builds a summary of more than twice the items of the one it returns, plus one', () => {
    // Given a report of a million principals, of which a summary can hold 5
    const asked: number[] = [];
    const kept = largestFitting(
      withPrincipals(1_000_000),
      (keep) => {
        asked.push(keep);
        return keep;
      },
      (keep) => keep <= 5,
    );
    // Then it keeps 5, and never renders half the report to learn that
    expect(kept).toBe(5);
    expect(Math.max(...asked)).toBeLessThanOrEqual(2 * 5 + 1);
  });
});

describe('a summary rendered as text or markdown counts every gap the audit found', () => {
  const gaps = Array.from({ length: 30 }, (_, n) => ({
    source: `iam:policy/Broken${n}`,
    message: 'unreadable',
  }));
  it.each<[string, number, (r: AuditReport) => string, RegExp, RegExp]>([
    ['text', 10, renderText, /^INCOMPLETE: 30 gap\(s\);/m, /^Gaps \(10 of 30 listed\)$/m],
    ['text', 0, renderText, /^INCOMPLETE: 30 gap\(s\);/m, /^Gaps \(0 of 30 listed\)$/m],
    [
      'markdown',
      10,
      renderMarkdown,
      /^> \*\*Incomplete:\*\* 30 gap\(s\)\./m,
      /^## Gaps \(10 of 30 listed\)$/m,
    ],
    ['markdown', 0, renderMarkdown, /^> \*\*Incomplete:\*\* 30 gap\(s\)\./m, /^## Gaps \(0 of 30 listed\)$/m],
  ])('%s, listing %i of 30 gaps', (_format, keep, render, incomplete, heading) => {
    // Given an incomplete report with 30 gaps, summarized to `keep` items of each kind
    const summary = summarizer({ ...example, complete: false, gaps }, '')(keep);
    // When it is rendered
    const text = render(summary);
    // Then it says the audit has 30 gaps, and how many of them it lists
    expect(text).toMatch(incomplete);
    expect(text).toMatch(heading);
  });

  it.each<[string, (r: AuditReport) => string]>([
    ['text', renderText],
    ['markdown', renderMarkdown],
  ])('%s, of a report that is not summarized: the gaps listed, with no "of"', (_format, render) => {
    const text = render({ ...example, complete: false, gaps });
    expect(text).toMatch(/Gaps \(30\)$/m);
    expect(text).toMatch(/ 30 gap\(s\)/);
  });
});
