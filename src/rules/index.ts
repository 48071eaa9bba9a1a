export { audit } from './audit';
export { RULES } from './registry';
export type { Rule, AuditFacts } from './rule';
export {
  compareAgentVersions,
  isAtLeast,
  parseAgentVersion,
  MINIMUM_SSH_AGENT_VERSION,
} from './agent-version';
export { AWS_OWNED_PORT_DOCUMENTS, SSH_DOCUMENT } from './session-documents';
export { SSH_GUARDRAIL_SNIPPET } from './ssh-guardrail';
