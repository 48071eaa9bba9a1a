/** Agents older than this are flagged as outdated unless the compliance policy says otherwise. */
export const DEFAULT_MINIMUM_AGENT_VERSION = '3.0.0.0';
