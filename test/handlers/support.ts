import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/** Helpers shared by the handler tests (test/handlers/*.test.ts). */

const ROOT = resolve(__dirname, '..', '..');
export const EXAMPLE_ACCOUNT = join(ROOT, 'examples', 'account');
/** Real AWS Config event shapes: invokingEvent and ruleParameters as JSON strings. */
export const EVENTS = join(ROOT, 'test', 'fixtures', 'config-events');

export type Json = Record<string, unknown>;
export const readJson = <T = Json>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
/** One AWS Config event from test/fixtures/config-events, by file name without `.json`. */
export const configEvent = <T = Json>(name: string): T => readJson<T>(join(EVENTS, `${name}.json`));

/** The account id of examples/account (111122223333). */
export const EXAMPLE_ACCOUNT_ID = readJson<{ Account: string }>(
  join(EXAMPLE_ACCOUNT, 'account.json'),
).Account;

/** What the Lambda runtime passes as the second argument. */
export function lambdaContext(functionName = 'ssm-ssh-audit-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:${EXAMPLE_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: '3f1e4b9a-6c2d-4e8f-9a7b-1c2d3e4f5a6b',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/03/17/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A Powertools logger that writes nothing. */
export const silentLogger = () => new Logger({ serviceName: 'ssm-ssh-audit-test', logLevel: 'SILENT' });

// ---------------------------------------------------------------------------------------------------
// Snapshot directories derived from the example account

/** Copies examples/account to `dir` and returns `dir`. */
/**
 * A role's ConfigurationItemChangeNotification: the fixture role-change-opsadmin-admin-removed, moved to
 * `role` (its item's resource id, name and ARN, and the role in its configuration) with these inline
 * policies (policy documents URL-encoded, as Config gives them) and attached managed policies.
 */
export function roleChangeEvent(
  role: { RoleName: string; RoleId: string; Arn: string },
  policies: {
    inline?: readonly { policyName: string; document: object }[];
    attached?: readonly { policyName: string; policyArn: string }[];
  },
): Json {
  const event = configEvent('role-change-opsadmin-admin-removed');
  const invoking = JSON.parse(event.invokingEvent as string) as Json;
  const item = invoking.configurationItem as Json;
  Object.assign(item, { resourceId: role.RoleId, resourceName: role.RoleName, ARN: role.Arn });
  item.configuration = {
    ...(item.configuration as Json),
    roleName: role.RoleName,
    roleId: role.RoleId,
    arn: role.Arn,
    rolePolicyList: (policies.inline ?? []).map((p) => ({
      policyName: p.policyName,
      policyDocument: encodeURIComponent(JSON.stringify(p.document)),
    })),
    attachedManagedPolicies: policies.attached ?? [],
    tags: [],
  };
  return { ...event, invokingEvent: JSON.stringify(invoking) };
}

export function copyOfExampleAccount(dir: string): string {
  cpSync(EXAMPLE_ACCOUNT, dir, { recursive: true });
  return dir;
}

export interface AttachedPolicy {
  PolicyName: string;
  PolicyArn: string;
}
export const ADMINISTRATOR_ACCESS: AttachedPolicy = {
  PolicyName: 'AdministratorAccess',
  PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
};

export interface GeneratedRolesOptions {
  /** Where to write the account; a new temporary directory (for the caller to remove) if not given. */
  dir?: string;
  /** Role names are `${namePrefix}${i}`, i zero-padded to `nameDigits` digits. */
  namePrefix?: string;
  nameDigits?: number;
  /** The IAM path of the roles, also part of their ARNs. */
  path?: string;
  /** The service trusted by the roles' AssumeRolePolicyDocument. */
  trustedService?: string;
  /** The managed policy attached to role i: AdministratorAccess unless given. */
  policy?: (i: number) => AttachedPolicy;
}

/**
 * A copy of examples/account plus `count` generated roles (RoleId `AROAGEN` + i padded to 14 digits,
 * named `GeneratedAdmin0000`… by default), each with AdministratorAccess attached unless
 * `options.policy` says otherwise. Returns the snapshot directory and the generated role ids.
 */
export function exampleAccountWithGeneratedAdmins(
  count: number,
  {
    dir = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-generated-')),
    namePrefix = 'GeneratedAdmin',
    nameDigits = 4,
    path = '/',
    trustedService = 'ec2.amazonaws.com',
    policy = () => ADMINISTRATOR_ACCESS,
  }: GeneratedRolesOptions = {},
): { dir: string; roleIds: string[] } {
  copyOfExampleAccount(dir);
  const iam = readJson<{ RoleDetailList: unknown[] }>(join(dir, 'iam.json'));
  const roleIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const roleName = `${namePrefix}${String(i).padStart(nameDigits, '0')}`;
    const id = `AROAGEN${String(i).padStart(14, '0')}`;
    roleIds.push(id);
    iam.RoleDetailList.push({
      Path: path,
      RoleName: roleName,
      RoleId: id,
      Arn: `arn:aws:iam::${EXAMPLE_ACCOUNT_ID}:role${path}${roleName}`,
      CreateDate: '2025-01-01T00:00:00+00:00',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: trustedService }, Action: 'sts:AssumeRole' }],
      },
      InstanceProfileList: [],
      RolePolicyList: [],
      AttachedManagedPolicies: [{ ...policy(i) }],
      RoleLastUsed: {},
    });
  }
  writeFileSync(join(dir, 'iam.json'), JSON.stringify(iam));
  return { dir, roleIds };
}
