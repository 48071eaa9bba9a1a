import { resourceTagContext, TagKeyIndex } from '../../src/rules/instances';

describe("an instance's request context", () => {
  const context = resourceTagContext({ Team: 'red', Environment: 'prod' });

  it.each([
    ['ssm:resourceTag/Team', { state: 'present', values: ['red'] }],
    ['aws:ResourceTag/Environment', { state: 'present', values: ['prod'] }],
    ['SSM:RESOURCETAG/TEAM', { state: 'present', values: ['red'] }],
    ['ssm:resourceTag/Owner', { state: 'absent' }],
    ['aws:ResourceTag/team-lead', { state: 'absent' }],
    ['aws:SourceIp', { state: 'unknown' }],
    ['aws:PrincipalTag/Team', { state: 'unknown' }],
  ])('answers %s with %j', (key, state) => {
    expect(context.lookup(key)).toEqual(state);
  });

  it('knows nothing of any key when the tags were not collected', () => {
    expect(resourceTagContext(undefined).lookup('ssm:resourceTag/Team')).toEqual({ state: 'unknown' });
  });

  it('takes the last of two tag keys that differ only in case, as IAM compares them without case', () => {
    const index = new TagKeyIndex();
    const both = resourceTagContext({ team: 'blue', Team: 'red' }, index);
    expect(both.lookup('ssm:resourceTag/TEAM')).toEqual({ state: 'present', values: ['red'] });
    // And instances with the same keys share one index entry, whatever their values
    const other = resourceTagContext({ team: 'green', Team: 'gold' }, index);
    expect(other.lookup('aws:ResourceTag/team')).toEqual({ state: 'present', values: ['gold'] });
  });
});
