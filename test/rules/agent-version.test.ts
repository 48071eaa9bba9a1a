import { compareAgentVersions, isAtLeast, parseAgentVersion } from '../../src/rules/agent-version';

describe('SSM Agent version comparison', () => {
  it.each([
    ['2.3.1000.0', '2.3.672.0', true],
    ['2.3.672.0', '2.3.672.0', true],
    ['2.3.671.0', '2.3.672.0', false],
    ['2.3.99.0', '2.3.672.0', false],
    ['3.0.0.0', '2.3.672.0', true],
    ['2.10.0.0', '2.3.672.0', true],
    ['2.3.672', '2.3.672.0', true],
    ['2.3', '2.3.672.0', false],
  ])('treats %s >= %s as %s, comparing part by part as numbers', (version, minimum, expected) => {
    expect(isAtLeast(version, minimum)).toBe(expected);
  });

  it('orders 2.3.1000.0 > 2.3.672.0 > 2.3.99.0, which a string comparison gets wrong', () => {
    const versions = ['2.3.99.0', '2.3.1000.0', '2.3.672.0'].map((v) => parseAgentVersion(v) as number[]);
    versions.sort(compareAgentVersions);
    expect(versions.map((v) => v.join('.'))).toEqual(['2.3.99.0', '2.3.672.0', '2.3.1000.0']);
  });

  it.each([undefined, '', 'latest', '3.x.1', '3..1'])('cannot read the version %p', (version) => {
    expect(parseAgentVersion(version)).toBeUndefined();
    expect(isAtLeast(version, '2.3.672.0')).toBeUndefined();
  });
});
