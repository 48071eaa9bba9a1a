import { compilePattern, requestContext, type PatternList, type Tri } from '../../src/iam';
import { unlistedDocumentMatcher } from '../../src/rules/unlisted-documents';

/**
 * What one Resource pattern says of the customer documents a snapshot does not list (account
 * 123456789010, us-east-1; its own document `Zed` is listed): all of them (`yes`), some (`maybe`), or
 * none (`no`). A Deny that says `yes` denies them all; `maybe` leaves them open.
 */
const account = { id: '123456789010', region: 'us-east-1', partition: 'aws' };
const matcher = unlistedDocumentMatcher(account, new Set(['Zed']));
const request = { action: 'ssm:StartSession', resource: 'unused', context: requestContext() };

function coverage(source: string): Tri {
  const list: PatternList = { negated: false, patterns: [compilePattern(source, { flavour: 'arn' })] };
  return matcher(list, request, [], 'strict');
}

describe('a pattern on the unlisted customer documents', () => {
  it.each([
    ['*', 'yes'],
    ['arn:*', 'yes'],
    ['arn:aws:ssm:*', 'yes'],
    ['arn:aws:ssm:*:*:*', 'yes'],
    ['arn:aws:ssm:*:*:document/*', 'yes'],
    ['arn:aws:ssm:us-east-?:*:doc*', 'yes'],
    ['arn:aws:ssm:us-east-1:*0:document/*', 'maybe'],
    ['arn:aws:ssm:us-east-1:*0*:document/*', 'maybe'],
    ['arn:aws:ssm:*:123456789010:document/*', 'maybe'],
    ['arn:aws:ssm:*:*:document/Acme-*', 'maybe'],
    ['arn:aws:ssm:*:444455556666:document/Zed', 'maybe'],
    ['arn:aws:ssm:*:123456789010:document/Zed', 'no'],
    ['arn:aws:ssm:*:*:document/AWS-*', 'no'],
    ['arn:aws:ssm:*:*:document/amzn*', 'no'],
    ['arn:aws:ssm:*::document/*', 'no'],
    ['arn:aws:ssm:*:*:managed-instance/*', 'no'],
    ['arn:aws:ec2:*:*:instance/*', 'no'],
    ['arn:aws:ssm:eu-west-1:*:document/*', 'no'],
    ['arn:aws-cn:ssm:*:*:document/*', 'no'],
  ])('%s: %s', (source, expected) => {
    expect(coverage(source)).toBe(expected);
  });
});
