import { Numbering } from '../../src/rules/numbering';

describe('Numbering', () => {
  it('numbers objects from 0 in the order they are first asked about, by identity alone', () => {
    const numbering = new Numbering<{ arn: string }>();
    const a = { arn: 'same' };
    const b = { arn: 'same' };
    expect([numbering.of(b), numbering.of(a), numbering.of(b), numbering.of(a)]).toEqual([0, 1, 0, 1]);
  });
});
