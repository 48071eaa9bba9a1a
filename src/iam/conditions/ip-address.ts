import ipaddr from 'ipaddr.js';
import type { ConditionOperator, ValueMatcher } from './operator';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Reads `203.0.113.0/24`, `2001:db8::/32` or a bare address (a /32 or /128). */
function parseRange(text: string): Range | undefined {
  try {
    if (text.includes('/')) return ipaddr.parseCIDR(text.trim());
    const address = ipaddr.parse(text.trim());
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return undefined;
  }
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const address = ipaddr.parse(text.trim());
    // An IPv4-mapped IPv6 address (::ffff:192.0.2.1) is compared as the IPv4 address it carries.
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
      return (address as ipaddr.IPv6).toIPv4Address();
    }
    return address;
  } catch {
    return undefined;
  }
}

function ipOperator(name: string, negated: boolean): ConditionOperator {
  return {
    name,
    negated,
    compile(policyValue): ValueMatcher {
      const range = parseRange(policyValue);
      return function matchIpAddress(contextValue) {
        const address = parseAddress(contextValue);
        if (!range || !address || address.kind() !== range[0].kind()) return 'no';
        return address.match(range) ? 'yes' : 'no';
      };
    },
  };
}

export const ipAddressOperators: readonly ConditionOperator[] = [
  ipOperator('IpAddress', false),
  ipOperator('NotIpAddress', true),
];
