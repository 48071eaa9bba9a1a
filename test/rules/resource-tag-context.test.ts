import { buildInstances, resourceTagContext, TagKeyIndex } from '../../src/rules/instances';
import type { AccountSnapshot } from '../../src/snapshot/types';

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

  it('does not know the value of two tag keys that differ only in case and in value, whichever comes last', () => {
    // EC2 keeps `team` and `Team` apart; IAM matches condition keys in any case and says nothing of
    // which one a condition then reads
    const index = new TagKeyIndex();
    for (const tags of [
      { team: 'blue', Team: 'red' },
      { Team: 'red', team: 'blue' },
    ]) {
      const both = resourceTagContext(tags, index);
      expect(both.lookup('ssm:resourceTag/TEAM')).toEqual({ state: 'unknown' });
      expect(both.lookup('aws:ResourceTag/team')).toEqual({ state: 'unknown' });
    }
  });

  it('reads two tag keys that differ only in case but agree as the one value they share', () => {
    const index = new TagKeyIndex();
    const agree = resourceTagContext({ team: 'red', Team: 'red', TEAM: 'red' }, index);
    expect(agree.lookup('ssm:resourceTag/Team')).toEqual({ state: 'present', values: ['red'] });
    // And instances with the same keys share one index entry, whatever their values
    const differ = resourceTagContext({ team: 'red', Team: 'gold', TEAM: 'red' }, index);
    expect(differ.lookup('ssm:resourceTag/Team')).toEqual({ state: 'unknown' });
  });
});

describe('resource tag conditions on keys that every object inherits', () => {
  const plain = (tags: Record<string, string>): Record<string, string> => ({ ...tags });
  const nullPrototype = (tags: Record<string, string>): Record<string, string> =>
    Object.assign(Object.create(null) as Record<string, string>, tags);
  const inheritedKeys = ['constructor', 'toString', 'hasOwnProperty', '__proto__'];
  const cases = inheritedKeys.flatMap((key) => [
    [key, 'a plain object', plain] as const,
    [key, 'a null-prototype object', nullPrototype] as const,
  ]);

  it.each(cases)('finds no %s tag on an instance without one, its tags being %s', (key, _kind, make) => {
    // Given an instance whose collected tags do not include the key
    const context = resourceTagContext(make({ Name: 'web-01' }));
    // Then a condition on that tag sees it absent, never an inherited member
    expect(context.lookup(`ssm:resourceTag/${key}`)).toEqual({ state: 'absent' });
    expect(context.lookup(`aws:ResourceTag/${key}`)).toEqual({ state: 'absent' });
  });

  it.each(cases)('reads the value of an own %s tag, its tags being %s', (key, _kind, make) => {
    // Given an instance that carries the tag itself (JSON.parse keeps even `__proto__` as an own key)
    const tags = make(
      JSON.parse(`{"Name": "web-01", ${JSON.stringify(key)}: "legacy"}`) as Record<string, string>,
    );
    // Then a condition on that tag reads the instance's value
    expect(resourceTagContext(tags).lookup(`ssm:resourceTag/${key}`)).toEqual({
      state: 'present',
      values: ['legacy'],
    });
  });
});

describe("an instance's tags in the snapshot", () => {
  const snapshot = (instanceId: string, tags: AccountSnapshot['tags']): AccountSnapshot => ({
    account: { id: '111122223333', region: 'us-east-1', partition: 'aws' },
    iam: { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] },
    instances: [
      {
        InstanceId: instanceId,
        PingStatus: 'Online',
        AgentVersion: '3.3.1957.0',
        ResourceType: 'EC2Instance',
      },
    ],
    activationTier: 'advanced',
    sessionPreferences: undefined,
    sessionDocuments: undefined,
    tags,
    gaps: [],
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'are unknown for an instance named %s that has no entry in the tag map, not an inherited member taken for its tags',
    (instanceId) => {
      // Given a tag map (a plain object) without an entry for the instance
      const { instances } = buildInstances(snapshot(instanceId, {}));
      // Then its tags are unknown, so tag conditions on it stay undetermined (fail closed)
      expect(instances[0]?.tags).toBeUndefined();
      expect(instances[0]?.context.lookup('ssm:resourceTag/Name')).toEqual({ state: 'unknown' });
    },
  );
});
