import { loadSnapshotDirectory } from '../snapshot/load-directory';
import type { CollectorClients } from '../snapshot/collect-live';
import type { AccountSnapshot } from '../snapshot/types';

/**
 * The account for one invocation: from AUDIT_SNAPSHOT_DIR when set (local runs and tests), otherwise
 * read live with the collector. The collector and the SDK are loaded only when needed.
 */
export async function loadAccount(options: {
  snapshotDir: string | undefined;
  clients?: () => CollectorClients;
  region?: string;
}): Promise<AccountSnapshot> {
  if (options.snapshotDir) return loadSnapshotDirectory(options.snapshotDir);
  const { collectSnapshot } = await import('../snapshot/collect-live');
  const { parseSnapshotValues } = await import('../snapshot/parse-snapshot');
  const { createCollectorClients, resolvedRegion } = await import('../snapshot/aws-clients');
  const clients = options.clients ? options.clients() : createCollectorClients();
  const region = options.region ?? (await resolvedRegion(clients));
  return parseSnapshotValues(await collectSnapshot(clients, { region }));
}
