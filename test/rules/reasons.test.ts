import type { Reason } from '../../src/report/types';
import { uniqueReasons } from '../../src/rules/reasons';

const reason = (over: Partial<Reason>): Reason => ({
  resource: 'document',
  resourceArn: 'arn:aws:ssm:us-east-1::document/AWS-StartSSHSession',
  decision: 'allowed',
  message: 'statement "A" of managed policy Admin on arn:aws:iam::111122223333:role/Ops allows it',
  ...over,
});

describe('reasons without repeats', () => {
  it('keeps one of two equal reasons, in order', () => {
    const a = reason({});
    const b = reason({ message: 'another' });
    expect(uniqueReasons([a, b, { ...a }])).toEqual([a, b]);
  });

  it('keeps reasons that share a message but differ elsewhere (two policies of one name)', () => {
    const customer = reason({ policyArn: 'arn:aws:iam::111122223333:policy/Admin' });
    const aws = reason({ policyArn: 'arn:aws:iam::aws:policy/Admin' });
    expect(uniqueReasons([customer, aws])).toEqual([customer, aws]);
  });

  it('drops a repeat of any earlier reason with its message, not only of the first one', () => {
    const customer = reason({ policyArn: 'arn:aws:iam::111122223333:policy/Admin' });
    const aws = reason({ policyArn: 'arn:aws:iam::aws:policy/Admin' });
    const other = reason({ message: 'another' });
    const result = uniqueReasons([customer, other, aws, { ...aws }, customer, { ...other }]);
    expect(result).toEqual([customer, other, aws]);
    expect(result[2]).toBe(aws);
  });

  it('returns a new array even when nothing repeats', () => {
    const list = [reason({})];
    expect(uniqueReasons(list)).not.toBe(list);
    expect(uniqueReasons(list)).toEqual(list);
  });
});
