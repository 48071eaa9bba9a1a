import type { InstanceInformation } from './types';

/** On-premises servers and VMs registered through hybrid activation: `mi-` and 17 hex digits. */
export function isHybrid(info: InstanceInformation): boolean {
  return info.ResourceType === 'ManagedInstance' || /^mi-[0-9a-f]{17}$/.test(info.InstanceId);
}

/**
 * How an instance's ResourceType contradicts its id, if it does: EC2 instances have `i-` ids and the
 * ResourceType `EC2Instance`, hybrid nodes `mi-` ids and `ManagedInstance`. Either field alone decides
 * the ARN that policies are matched against and whether the activation tier applies, and neither
 * reading is the safe one (an EC2 instance read as a hybrid node in the standard tier is reported
 * unable to take SSH, and COMPLIANT): nothing says which is true, so the caller refuses the record.
 * A missing ResourceType contradicts nothing (see isHybrid), and neither does an id of neither kind.
 *
 * @example
 *   resourceTypeContradiction({ InstanceId: 'i-0123456789abcdef0', ResourceType: 'ManagedInstance' });
 *   // => ResourceType "ManagedInstance" says a hybrid node, but InstanceId "i-0123456789abcdef0" is an
 *   //    EC2 instance's (hybrid nodes have mi- ids)
 */
export function resourceTypeContradiction(
  info: Pick<InstanceInformation, 'InstanceId' | 'ResourceType'>,
): string | undefined {
  const id = info.InstanceId;
  if (info.ResourceType === 'ManagedInstance' && id.startsWith('i-')) {
    return `ResourceType "ManagedInstance" says a hybrid node, but InstanceId ${JSON.stringify(id)} is an EC2 instance's (hybrid nodes have mi- ids)`;
  }
  if (info.ResourceType === 'EC2Instance' && id.startsWith('mi-')) {
    return `ResourceType "EC2Instance" says an EC2 instance, but InstanceId ${JSON.stringify(id)} is a hybrid node's (EC2 instances have i- ids)`;
  }
  return undefined;
}
