import { buildSnsMessage, messageSize, SNS_MESSAGE_LIMIT, subjectFor } from '../../src/report/sns-message';
import type { AuditReport } from '../../src/report/types';
import * as renderTextModule from '../../src/report/render-text';
import { CONTROLS, HOSTILE_INPUTS, VISIBLE } from './hostile';
import { auditDirectory, EXAMPLE_ACCOUNT } from './audited';

let example: AuditReport;
beforeAll(async () => {
  example = await auditDirectory(EXAMPLE_ACCOUNT);
});

describe('the SNS message of the nightly report', () => {
  it('sends the whole report when it fits: JSON by default, text for email', () => {
    const message = buildSnsMessage(example);
    expect(message.summarized).toBe(false);
    const bodies = JSON.parse(message.Message) as { default: string; email: string };
    expect(JSON.parse(bodies.default)).toEqual(JSON.parse(JSON.stringify(example)));
    expect(bodies.email).toContain('does not record SSH or port-forwarding sessions');
  });

  it('keeps the subject within 100 ASCII characters with the headline count', () => {
    const subject = subjectFor(example);
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject).toContain(`${example.summary.nonCompliantPrincipals} principals`);
  });

  it('summarizes an incomplete report with thousands of gaps instead of failing to publish', () => {
    // Given a report with 3,000 gaps (one per unreadable policy) and many principals
    const gaps = Array.from({ length: 3000 }, (_, n) => ({
      source: `iam:inline-policy/Broken@arn:aws:iam::111122223333:role/Role${n}`,
      message: `policy "Broken": the document is not valid JSON (Unexpected end of JSON input) ${'x'.repeat(100)}`,
    }));
    const report: AuditReport = { ...example, complete: false, gaps };
    // When the message is built
    const message = buildSnsMessage(report);
    // Then it fits, is valid JSON, and says how many gaps it left out
    expect(messageSize(message)).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT);
    expect(message.summarized).toBe(true);
    const summary = JSON.parse(JSON.parse(message.Message).default) as AuditReport & {
      omitted: { gaps: number };
    };
    expect(summary.gaps.length + summary.omitted.gaps).toBe(3000);
    expect(summary.complete).toBe(false);
  });

  it('points a summary to the CLI for the full report by default, not to the on-demand function, which may summarize too', () => {
    // Given the example report and a limit too small for it
    // When the message is built without a hint of its own
    const message = buildSnsMessage(example, { limit: 10_000 });
    // Then the summary's note names the CLI, and only the CLI, as where the full report is
    expect(message.summarized).toBe(true);
    const note = (JSON.parse(JSON.parse(message.Message).default) as { note: string }).note;
    expect(note).toMatch(/Run the CLI \(ssm-ssh-audit --live\) for the full report\.$/);
    expect(note).not.toMatch(/on-demand|onDemand/);
  });

  it('does not render the whole text report when its non-compliant principals alone outgrow the room', () => {
    // Given 3,000 non-compliant principals: their ARNs alone are more text than the message holds
    const nonCompliant = example.principals.find((p) => p.compliance === 'NON_COMPLIANT')!;
    const principals = Array.from({ length: 3000 }, (_, n) => ({
      ...nonCompliant,
      arn: `${nonCompliant.arn}-${n}`,
      name: `${nonCompliant.name}-${n}`,
    }));
    const report: AuditReport = { ...example, principals };
    const render = jest.spyOn(renderTextModule, 'renderText');
    try {
      // When the message is built
      const message = buildSnsMessage(report);
      // Then it is a summary, and no text was rendered of more principals than a summary keeps
      expect(message.summarized).toBe(true);
      const rendered = render.mock.calls.map(([r]) => r.principals.length);
      expect(rendered.length).toBeGreaterThan(0);
      expect(Math.max(...rendered)).toBeLessThan(principals.length);
    } finally {
      render.mockRestore();
    }
  });

  describe('shows control characters a hybrid node reports as visible escapes in the email text', () => {
    it.each<[string, number | undefined, boolean]>([
      ['the whole report', undefined, false],
      // The whole message is about 14 KB: 10 KB is summarized, with the hybrid node still listed.
      ['a summary of a report too large for the message', 10_000, true],
    ])('in %s', async (_case, limit, summarized) => {
      // Given a hybrid node whose PlatformName carries terminal control sequences
      const [, hostileReport] = HOSTILE_INPUTS[0]!;
      const report = await hostileReport();

      // When the nightly message is built
      const message = buildSnsMessage(report, { limit });

      // Then email readers (often in a terminal mail client) see the sequences, not their effects
      expect(message.summarized).toBe(summarized);
      const { email } = JSON.parse(message.Message) as { email: string };
      expect(email).toContain(VISIBLE);
      expect(email).not.toMatch(CONTROLS);
      expect(message.Subject).toMatch(/^[\x20-\x7e]+$/);
    });
  });
});

describe('the size SNS counts against its limit', () => {
  /**
   * The bytes counted, independently of messageSize. SNS checks "the combined size of the message body
   * and message attributes", every part of an attribute (name, type and value) included (SNS Developer
   * Guide, "Publishing large messages"; MessageAttributeValue in the API reference). The documentation
   * does not count the Subject; it is counted here too, which can only err on the safe side.
   */
  const snsBytes = (m: {
    Message: string;
    Subject: string;
    MessageAttributes: Record<string, { DataType: string; StringValue: string }>;
  }): number =>
    Buffer.byteLength(m.Message, 'utf8') +
    Buffer.byteLength(m.Subject, 'utf8') +
    Object.entries(m.MessageAttributes).reduce(
      (n, [name, a]) =>
        n + Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + Buffer.byteLength(a.StringValue),
      0,
    );

  it.each<[string, (whole: { Subject: string }) => number, boolean]>([
    ['exactly the whole message: sent whole', () => 0, false],
    ['one byte less than the whole message: summarized', () => -1, true],
    [
      "less than the whole message by the subject's bytes: summarized",
      (whole) => -Buffer.byteLength(whole.Subject),
      true,
    ],
  ])('with a limit of %s', (_case, delta, summarized) => {
    // Given: the whole example report's message and its size as counted above
    const whole = buildSnsMessage(example);
    expect(whole.summarized).toBe(false);
    const limit = snsBytes(whole) + delta(whole);

    // When
    const message = buildSnsMessage(example, { limit });

    // Then: within the limit, subject and attributes included, and summarized only when it had to be
    expect(message.summarized).toBe(summarized);
    expect(snsBytes(message)).toBeLessThanOrEqual(limit);
  });

  it('refuses to build a message over the limit when even an empty summary does not fit', () => {
    // Given: a limit smaller than the JSON of a summary that lists nothing
    const limit = 2_000;

    // When / Then: a RangeError, never a message SNS would reject
    expect(() => buildSnsMessage(example, { limit })).toThrow(RangeError);
  });
});
