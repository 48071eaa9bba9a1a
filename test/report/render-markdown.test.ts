import { renderMarkdown } from '../../src/report/render-markdown';
import { CONTROLS, HOSTILE_INPUTS } from './hostile';

/** The pipes that delimit cells: those not escaped by an odd number of backslashes. */
const cellDelimiters = (line: string): number => line.match(/(?<!\\)(?:\\\\)*\|/g)?.length ?? 0;

/** The markdown without its code spans, whose content is shown literally, markup and all. */
const outsideCodeSpans = (markdown: string): string => markdown.replace(/(`+)(.+?)(?<!`)\1(?!`)/g, '');

describe('the markdown report', () => {
  describe('escapes markup, links, table pipes, line breaks and control characters from input', () => {
    it.each(HOSTILE_INPUTS)('%s', async (_where, hostileReport) => {
      // Given a report where that input carries <script>, an image link, a pipe, a line break and controls
      const report = await hostileReport();

      // When
      const markdown = renderMarkdown(report);

      // Then no markup or image survives outside code spans, and the text shows as text
      expect(markdown).toContain('alert(1)');
      expect(outsideCodeSpans(markdown)).not.toMatch(/<script/i);
      expect(outsideCodeSpans(markdown)).not.toContain('![x](');
      // no control character reaches a terminal that shows the file, and each is visible
      expect(markdown).not.toMatch(CONTROLS);
      expect(markdown).toMatch(/\\u001b\\?\]0;pwned\\u0007/);
      // every row of every table has as many cells as its header
      const tables = markdown.split('\n\n').filter((block) => block.startsWith('|'));
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) {
        const [header, ...rows] = table.split('\n');
        for (const row of rows) expect(cellDelimiters(row)).toBe(cellDelimiters(header as string));
      }
    });
  });

  it('fences a principal ARN in more backticks than it holds, so it cannot close its code span early', async () => {
    // Given an ARN holding a double backtick and markup (IAM paths allow both)
    const [, base] = HOSTILE_INPUTS[0]!;
    const report = await base();
    const arn = 'arn:aws:iam::111122223333:role/x``<img src=x onerror=alert(1)>``y/OnPremSSHRole';
    const hostile = {
      ...report,
      principals: report.principals.map((p) => (p.arn.endsWith('/OnPremSSHRole') ? { ...p, arn } : p)),
    };

    // When
    const markdown = renderMarkdown(hostile);

    // Then the whole ARN is one code span
    expect(markdown).toContain(`| \`\`\`${arn}\`\`\` |`);
    expect(outsideCodeSpans(markdown)).not.toContain('<img');
  });

  it('keeps an escaped pipe from input escaped: a backslash before it cannot end the cell', async () => {
    // Given a policy name whose text ends in a backslash right before a pipe
    const [, base] = HOSTILE_INPUTS[0]!;
    const report = await base();
    const withBackslash = {
      ...report,
      findings: report.findings.map((f) => ({ ...f, message: `${f.message} a\\|b` })),
    };

    // When
    const markdown = renderMarkdown(withBackslash);

    // Then the backslash is escaped too, and the pipe stays escaped
    expect(markdown).toContain(' a\\\\\\|b |');
  });
});
