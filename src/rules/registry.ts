import { agentOutdatedRule } from './agent-outdated';
import { instanceExposureRule } from './instance-exposure';
import { portForwardingAccessRule } from './port-forwarding-access';
import type { Rule } from './rule';
import { sessionLoggingRule } from './session-logging';
import { sshAccessRule } from './ssh-access';
import { sshGuardrailRule } from './ssh-guardrail';

/** Every rule, in the order their findings appear in the report. */
export const RULES: readonly Rule[] = [
  sshAccessRule,
  portForwardingAccessRule,
  instanceExposureRule,
  sessionLoggingRule,
  sshGuardrailRule,
  agentOutdatedRule,
];
