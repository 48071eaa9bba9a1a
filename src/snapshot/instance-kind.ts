import type { InstanceInformation } from './types';

/** On-premises servers and VMs registered through hybrid activation: `mi-` and 17 hex digits. */
export function isHybrid(info: InstanceInformation): boolean {
  return info.ResourceType === 'ManagedInstance' || /^mi-[0-9a-f]{17}$/.test(info.InstanceId);
}
