import type { AttachedPolicy, Reading } from '../iam';
import { NOTHING_KNOWN } from './statement-parts';
import type { GuardrailReport } from '../report/types';
import { firstFew } from '../util/first-few';
import { statementName } from '../util/statement-name';
import type { Rule } from './rule';
import { START_SESSION } from './session-access';

/** The seed's Deny statement (AWS Session Manager guide, "Enable SSH connections"), offered as the fix. */
export const SSH_GUARDRAIL_SNIPPET = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'VisualEditor1',
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      Resource: 'arn:aws:ssm:*:*:document/AWS-StartSSHSession',
    },
  ],
} as const;

/** Every attached Deny statement that covers ssm:StartSession on the SSH document. */
export function findGuardrails(
  policies: readonly AttachedPolicy[],
  sshDocumentArn: string,
  principalsCovered: number,
): GuardrailReport {
  const statements: GuardrailReport['statements'][number][] = [];
  const seen = new Set<string>();
  for (const { origin, compiled } of policies) {
    if (!compiled.ok) continue;
    for (const statement of compiled.policy.statementsFor(START_SESSION)) {
      if (statement.effect !== 'Deny') continue;
      const list = statement.resources;
      // Under each reading of what the IAM User Guide leaves open (see Reading in pattern.ts): a Deny
      // that covers the SSH document under one of them only is no sure guardrail.
      const covers = (reading: Reading): boolean =>
        list.patterns.some((p) => p.match(sshDocumentArn, NOTHING_KNOWN, reading) !== 'no') !== list.negated;
      const strictly = covers('strict');
      const broadly = covers('broad');
      if (!strictly && !broadly) continue;
      const key = `${origin.policyArn ?? origin.policyName}\u0000${origin.attachedTo}\u0000${statement.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      statements.push({
        policyName: origin.policyName,
        ...(origin.policyArn ? { policyArn: origin.policyArn } : {}),
        attachedTo: origin.attachedTo,
        ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
        statementIndex: statement.index,
        conditional:
          statement.conditions.length > 0 ||
          list.patterns.some((p) => p.hasVariables) ||
          strictly !== broadly,
      });
    }
  }
  const exists = statements.some((s) => !s.conditional);
  return { exists, statements, principalsCovered, ...(exists ? {} : { remediation: SSH_GUARDRAIL_SNIPPET }) };
}

export const sshGuardrailRule: Rule = {
  id: 'no-ssh-guardrail',
  title: 'No explicit Deny guards SSH over Session Manager',
  severity: 'medium',
  risk: 'Without an explicit Deny of the SSH document, any broad grant (AdministratorAccess, PowerUserAccess, AmazonSSMFullAccess) enables unaudited SSH.',
  remediation: `Attach this statement to the users, groups or roles that must not use SSH (or as an SCP): ${JSON.stringify(SSH_GUARDRAIL_SNIPPET)}`,
  check(facts) {
    if (facts.guardrail.exists) return [];
    return [
      {
        rule: this.id,
        severity: this.severity,
        resourceType: 'AWS::::Account',
        resourceId: facts.account.id,
        message: guardrailMessage(facts.guardrail),
        remediation: this.remediation,
      },
    ];
  },
};

/**
 * Why there is no guardrail: no Deny covers the SSH document at all, or every one that does applies
 * only under some conditions (the report lists them in guardrail.statements).
 */
function guardrailMessage(guardrail: GuardrailReport): string {
  const denies = guardrail.statements;
  if (!denies.length)
    return 'No attached policy explicitly denies ssm:StartSession on the AWS-StartSSHSession document.';
  const names = denies.map((s) => `${statementName(s.sid, s.statementIndex)} of ${s.policyName}`);
  const which =
    denies.length === 1
      ? 'The only attached Deny of ssm:StartSession on the AWS-StartSSHSession document is conditional'
      : `All ${denies.length} attached Denies of ssm:StartSession on the AWS-StartSSHSession document are conditional`;
  return `${which} (${firstFew(names)}): none denies it outright.`;
}
