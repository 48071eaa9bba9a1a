import { firstFew } from '../util/first-few';
import { parseYaml } from '../util/lazy-yaml';
import type { z } from 'zod';
import { SnapshotInputError } from './errors';
import { isHybrid, resourceTypeContradiction } from './instance-kind';
import type * as Schemas from './schemas';
import * as generated from './validators.generated';
import type {
  AccountSnapshot,
  AuthorizationDetails,
  Gap,
  InstanceInformation,
  SessionPreferences,
} from './types';

/** The files of a snapshot directory (DESIGN.md, "Input: a snapshot directory"). */
export const SNAPSHOT_FILES = {
  iam: 'iam.json',
  instances: 'instances.json',
  account: 'account.json',
  activationTier: 'activation-tier.json',
  sessionPreferences: 'session-preferences.json',
  sessionDocuments: 'session-documents.json',
  tags: 'tags.json',
} as const;

export type SnapshotFileKey = keyof typeof SNAPSHOT_FILES;
export const REQUIRED_FILES: readonly SnapshotFileKey[] = ['iam', 'instances', 'account'];

/** How each file is made with the AWS CLI, for error messages. */
export const HOW_TO_WRITE: Record<SnapshotFileKey, string> = {
  iam: 'aws iam get-account-authorization-details',
  instances: 'aws ssm describe-instance-information',
  account: 'aws sts get-caller-identity (plus "Region")',
  activationTier: 'aws ssm get-service-setting --setting-id /ssm/managed-instance/activation-tier',
  sessionPreferences: 'aws ssm get-document --name SSM-SessionManagerRunShell',
  sessionDocuments: 'aws ssm list-documents --filters Key=DocumentType,Values=Session (plus "SessionType")',
  tags: 'aws ec2 describe-tags',
};

/** File contents by key; undefined when the file does not exist. */
export type SnapshotTexts = Partial<Record<SnapshotFileKey, string>>;

/** The parsed JSON of each file by key, as the live collector produces it; undefined when absent. */
export type SnapshotValues = Partial<Record<SnapshotFileKey, unknown>>;

function parseJson(text: string, file: string): unknown {
  try {
    // Windows editors and PowerShell may write a byte-order mark; JSON.parse does not accept one.
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    // Windows PowerShell 5.1's `>` writes UTF-16: read as UTF-8, its byte-order mark is two U+FFFD and
    // a NUL comes with every ASCII character.
    if (text.startsWith('\ufffd\ufffd') || text.slice(0, 4).includes('\u0000')) {
      throw new SnapshotInputError(
        file,
        "is UTF-16 text (as Windows PowerShell 5.1 writes with >), not UTF-8: write it with the AWS CLI's --output json piped to Out-File -Encoding utf8, or convert it",
        { cause },
      );
    }
    throw new SnapshotInputError(file, `not valid JSON (${(cause as Error).message})`, { cause });
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

type SchemaName = keyof typeof Schemas;
type Shape<N extends SchemaName> = z.output<(typeof Schemas)[N]>;
type Check = (value: unknown) => boolean;

/**
 * Validates a parsed file against its schema in schemas.ts. The check runs in place, with the
 * validators generated from those schemas (see scripts/generate-validators.js); only a rejected file
 * loads zod, to say what is wrong in the same words as always.
 */
function validate<N extends SchemaName>(name: N, value: unknown, file: string): Shape<N> {
  const check = (generated as unknown as Record<N, Check>)[name];
  if (check(value)) return value as Shape<N>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const schemas = require('./schemas') as typeof Schemas;
  const result = schemas[name].safeParse(value);
  // Both come from one definition; should they ever disagree, the stricter answer stands.
  if (result.success) {
    throw new SnapshotInputError(
      file,
      'rejected by the generated validator but not by its schema (run npm run generate:validators)',
    );
  }
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  // zod reports a missing field as "expected X, received undefined".
  const message = /, received undefined$/.test(issue.message)
    ? `${issue.message.replace(/, received undefined$/, '')} (missing)`
    : issue.message;
  throw new SnapshotInputError(file, `${formatPath(issue.path)}: ${message}`, { cause: result.error });
}

/** An optional file that holds an error record instead of data: the read failed. */
function failedRead(value: unknown): { code: string; message: string } | undefined {
  if (!generated.errorRecord(value) || Object.keys(value as object).length !== 1) return undefined;
  const { Error: error } = value as Shape<'errorRecord'>;
  return { code: error.Code, message: error.Message ?? error.Code };
}

function asBoolean(value: boolean | string | undefined): boolean | undefined {
  if (typeof value === 'string') return value.toLowerCase() === 'true';
  return value;
}

/** Each partition other than `aws` by the prefix of its region names. */
const PARTITION_OF_REGION: readonly (readonly [RegExp, string])[] = [
  [/^cn-/, 'aws-cn'],
  [/^us-gov-/, 'aws-us-gov'],
  [/^us-iso-/, 'aws-iso'],
  [/^us-isob-/, 'aws-iso-b'],
  [/^eu-isoe-/, 'aws-iso-e'],
  [/^us-isof-/, 'aws-iso-f'],
  [/^eusc-/, 'aws-eusc'],
];

/**
 * The partition every ARN of the account is built in: the caller's ARN says it; without one, the
 * region does. A wrong partition would build instance ARNs that no policy of the account matches.
 */
function partitionOf(arn: string | undefined, region: string): string {
  const partition = arn?.split(':')[1];
  if (partition && /^aws(-[a-z]+)*$/.test(partition)) return partition;
  return PARTITION_OF_REGION.find(([prefix]) => prefix.test(region))?.[1] ?? 'aws';
}

/**
 * Parses and validates the files of a snapshot. Required files that are missing or malformed, and
 * optional files that are malformed, throw a SnapshotInputError naming the file and field. Optional
 * files that are missing, or that record a failed read, become gaps.
 */
export function parseSnapshot(texts: SnapshotTexts): AccountSnapshot {
  checkRequired(texts);
  const values: SnapshotValues = {};
  for (const key of Object.keys(texts) as SnapshotFileKey[]) {
    const text = texts[key];
    if (text === undefined) continue;
    // `aws ... > file` leaves an empty file when the command fails (AccessDenied, a document that does
    // not exist): say so, rather than "Unexpected end of JSON input".
    if (text.trim() === '') {
      const optional = !REQUIRED_FILES.includes(key);
      throw new SnapshotInputError(
        SNAPSHOT_FILES[key],
        `is empty: did the command that writes it fail? Write it with: ${HOW_TO_WRITE[key]}` +
          (optional
            ? '; or, if that command failed, put its error in the file as {"Error": {"Code": "...", "Message": "..."}} (a gap in the report), or delete the file'
            : ''),
      );
    }
    values[key] = parseJson(text, SNAPSHOT_FILES[key]);
  }
  return parseSnapshotValues(values);
}

function checkRequired(files: SnapshotTexts | SnapshotValues): void {
  for (const key of REQUIRED_FILES) {
    if (files[key] === undefined) {
      throw new SnapshotInputError(
        SNAPSHOT_FILES[key],
        `required file is missing (write it with: ${HOW_TO_WRITE[key]})`,
      );
    }
  }
}

/** The same as parseSnapshot, for files already parsed (the live collector's output). */
export function parseSnapshotValues(values: SnapshotValues): AccountSnapshot {
  checkRequired(values);
  const gaps: Gap[] = [];
  const read = (key: SnapshotFileKey): unknown => values[key];
  /** A gap for a paginated file that was cut short (see `truncation`); whether it was. */
  const cutShort = (file: Paginated, key: SnapshotFileKey, missing: string): boolean => {
    const cut = truncation(file);
    if (cut) {
      const name = SNAPSHOT_FILES[key];
      gaps.push({
        source: name.replace(/\.json$/, ''),
        message: `${name} is truncated (${cut}): ${missing}`,
      });
    }
    return cut !== undefined;
  };

  const accountValue = read('account');
  const account = validate('accountFile', accountValue, SNAPSHOT_FILES.account);

  const iamValue = read('iam');
  const iam = validate('iamFile', iamValue, SNAPSHOT_FILES.iam);
  // Another account's entities are refused first: a name that is in both accounts is not a duplicate.
  refuseOtherAccounts(account, iam);
  refuseDuplicateNames(iam);
  cutShort(iam, 'iam', 'principals and policies after the last page are missing');

  const instances = validate('instancesFile', read('instances'), SNAPSHOT_FILES.instances);
  refuseDuplicates(SNAPSHOT_FILES.instances, 'InstanceInformationList', instances.InstanceInformationList, {
    keyOf: (i) => i.InstanceId,
    field: 'InstanceId',
  });
  refuseContradictoryInstances(instances.InstanceInformationList);
  cutShort(instances, 'instances', 'instances after the last page are missing');

  const optional = (key: SnapshotFileKey, unknownMeans: string): unknown => {
    const file = SNAPSHOT_FILES[key];
    if (values[key] === undefined) {
      gaps.push({
        source: key === 'activationTier' ? 'activation-tier' : file.replace(/\.json$/, ''),
        message: `${file} is not in the snapshot: ${unknownMeans}`,
      });
      return undefined;
    }
    const value = read(key);
    const failed = failedRead(value);
    if (failed && !(key === 'sessionPreferences' && failed.code === 'InvalidDocument')) {
      gaps.push({
        source: file.replace(/\.json$/, ''),
        message: `${failed.code}: ${failed.message}; ${unknownMeans}`,
      });
      return undefined;
    }
    return value;
  };

  let activationTier: AccountSnapshot['activationTier'];
  const tierValue = optional('activationTier', 'the instances tier is unknown');
  if (tierValue !== undefined) {
    const setting = validate('activationTierFile', tierValue, SNAPSHOT_FILES.activationTier).ServiceSetting;
    if (setting.SettingValue === 'standard' && setting.Status === 'PendingUpdate') {
      // Reverting to the standard tier takes 30 minutes or more, and until it completes the hybrid
      // nodes may still be advanced, able to take sessions: the tier they are in is unknown.
      gaps.push({
        source: 'activation-tier',
        message:
          'the change to the standard instances tier is still pending (Status PendingUpdate): hybrid nodes may still be in the advanced tier, so the instances tier is unknown',
      });
    } else {
      activationTier = setting.SettingValue;
    }
  }

  let sessionPreferences: AccountSnapshot['sessionPreferences'];
  const prefsValue = optional('sessionPreferences', 'session logging settings are unknown');
  if (prefsValue !== undefined) {
    if (failedRead(prefsValue)?.code === 'InvalidDocument') {
      // The preferences document does not exist: Session Manager runs with defaults, and logs nothing.
      sessionPreferences = { state: 'absent' };
    } else {
      const doc = validate('sessionPreferencesFile', prefsValue, SNAPSHOT_FILES.sessionPreferences);
      let content: unknown = doc.Content;
      if (typeof content === 'string') {
        try {
          content = doc.DocumentFormat === 'YAML' ? parseYaml(content) : JSON.parse(content);
        } catch (cause) {
          throw new SnapshotInputError(
            SNAPSHOT_FILES.sessionPreferences,
            `Content is not valid ${doc.DocumentFormat ?? 'JSON'}`,
            { cause },
          );
        }
      }
      const inputs =
        validate('sessionPreferencesContent', content, `${SNAPSHOT_FILES.sessionPreferences} Content`)
          .inputs ?? {};
      const prefs: SessionPreferences = {
        ...(inputs.s3BucketName !== undefined ? { s3BucketName: inputs.s3BucketName } : {}),
        ...(inputs.s3KeyPrefix !== undefined ? { s3KeyPrefix: inputs.s3KeyPrefix } : {}),
        ...(inputs.s3EncryptionEnabled !== undefined
          ? { s3EncryptionEnabled: asBoolean(inputs.s3EncryptionEnabled) }
          : {}),
        ...(inputs.cloudWatchLogGroupName !== undefined
          ? { cloudWatchLogGroupName: inputs.cloudWatchLogGroupName }
          : {}),
        ...(inputs.cloudWatchEncryptionEnabled !== undefined
          ? { cloudWatchEncryptionEnabled: asBoolean(inputs.cloudWatchEncryptionEnabled) }
          : {}),
        ...(inputs.cloudWatchStreamingEnabled !== undefined
          ? { cloudWatchStreamingEnabled: asBoolean(inputs.cloudWatchStreamingEnabled) }
          : {}),
        ...(inputs.kmsKeyId !== undefined ? { kmsKeyId: inputs.kmsKeyId } : {}),
      };
      sessionPreferences = { state: 'configured', inputs: prefs };
    }
  }

  let sessionDocuments: AccountSnapshot['sessionDocuments'];
  const docsValue = optional('sessionDocuments', 'customer-owned port-forwarding documents are unknown');
  if (docsValue !== undefined) {
    const file = validate('sessionDocumentsFile', docsValue, SNAPSHOT_FILES.sessionDocuments);
    sessionDocuments = file.DocumentIdentifiers.map((d, i) => ({
      Name: d.Name,
      ...(d.Owner !== undefined ? { Owner: d.Owner } : {}),
      ...(d.SessionType !== undefined ? { SessionType: d.SessionType } : {}),
      ...(d.Tags !== undefined ? { Tags: documentTags(d.Tags, i) } : {}),
    }));
    // The listed documents are known; the rules treat the missing ones as they treat an unlisted file.
    cutShort(file, 'sessionDocuments', 'Session documents after the last page are unknown');
  }

  let tags: AccountSnapshot['tags'];
  const tagsValue = optional(
    'tags',
    'instance tags are unknown, so tag conditions stay conditional and tag exemptions cannot apply',
  );
  if (tagsValue !== undefined) {
    const file = validate('tagsFile', tagsValue, SNAPSHOT_FILES.tags);
    // describe-tags lists tags in no order we can rely on: any instance, tagged here or not, may have
    // more tags on the missing pages. So no instance's tags are known.
    const cut = cutShort(
      file,
      'tags',
      'any instance may have tags on the missing pages, so instance tags are unknown, tag conditions stay conditional and tag exemptions cannot apply',
    );
    if (!cut) tags = instanceTags(file, instances.InstanceInformationList as InstanceInformation[], gaps);
  }

  return {
    account: {
      id: account.Account,
      region: account.Region,
      partition: partitionOf(account.Arn, account.Region),
    },
    iam: iam as AuthorizationDetails,
    instances: instances.InstanceInformationList as InstanceInformation[],
    activationTier,
    sessionPreferences,
    sessionDocuments,
    tags,
    gaps,
  };
}

/**
 * What says a paginated file was cut short, if anything: `IsTruncated` and `Marker` from the raw IAM
 * API, or the `NextToken` the AWS CLI writes in their place (and every SSM and EC2 list call writes)
 * when `--max-items` or `--no-paginate` stopped it before the last page.
 */
interface Paginated {
  readonly IsTruncated?: boolean | undefined;
  readonly Marker?: string | undefined;
  readonly NextToken?: string | undefined;
}

function truncation(file: Paginated): string | undefined {
  if (file.IsTruncated === true) return 'IsTruncated: true';
  if (file.NextToken) return 'NextToken present';
  // IAM sends a Marker only with IsTruncated: true; a Marker alone still says there was more.
  if (file.Marker && file.IsTruncated !== false) return 'Marker present';
  return undefined;
}

/** A listed document's tags as an object (see instanceTags); a key with two values is refused. */
function documentTags(
  list: readonly { Key: string; Value: string }[],
  index: number,
): Record<string, string> {
  const tags = Object.create(null) as Record<string, string>;
  list.forEach((t, j) => {
    if (Object.hasOwn(tags, t.Key) && tags[t.Key] !== t.Value) {
      throw new SnapshotInputError(
        SNAPSHOT_FILES.sessionDocuments,
        `DocumentIdentifiers[${index}].Tags[${j}]: tag ${JSON.stringify(t.Key)} is listed twice with different values`,
      );
    }
    tags[t.Key] = t.Value;
  });
  return tags;
}

/** Each instance's tags, by instance id; hybrid nodes whose tags were not read are left out (a gap). */
function instanceTags(
  file: Shape<'tagsFile'>,
  instances: readonly InstanceInformation[],
  gaps: Gap[],
): NonNullable<AccountSnapshot['tags']> {
  // Tag keys are the account's own text: kept in objects without a prototype, a key such as
  // "__proto__" or "constructor" is a tag like any other.
  const byResource = new Map<string, Record<string, string>>();
  file.Tags.forEach((t, i) => {
    let tags = byResource.get(t.ResourceId);
    if (!tags) {
      tags = Object.create(null) as Record<string, string>;
      byResource.set(t.ResourceId, tags);
    }
    // A resource has one value per tag key: two say the file was put together wrong, and nothing says
    // which value a condition would read. (The same value twice says nothing new.)
    if (Object.hasOwn(tags, t.Key) && tags[t.Key] !== t.Value) {
      throw new SnapshotInputError(
        SNAPSHOT_FILES.tags,
        `Tags[${i}]: tag ${JSON.stringify(t.Key)} of ${JSON.stringify(t.ResourceId)} is listed twice with different values`,
      );
    }
    tags[t.Key] = t.Value;
  });
  // `ec2 describe-tags` covers every EC2 instance and omits untagged ones, so an EC2 instance without
  // entries has no tags. It never covers hybrid nodes: their tags are known only when the file has
  // entries for them, or lists them in ManagedInstanceIds (the snapshot command's record of the nodes
  // whose tags it read, tagged or not). Any other hybrid node's tags are unknown.
  const readNodes = new Set(file.ManagedInstanceIds ?? []);
  const known = Object.create(null) as Record<string, Record<string, string>>;
  const unknownNodes: string[] = [];
  for (const info of instances) {
    const id = info.InstanceId;
    const tags = byResource.get(id);
    if (!isHybrid(info) || tags || readNodes.has(id))
      known[id] = tags ?? (Object.create(null) as Record<string, string>);
    else unknownNodes.push(id);
  }
  if (unknownNodes.length) {
    gaps.push({
      source: 'tags',
      message: `tags.json has no tags for ${unknownNodes.length} hybrid node(s) (${firstFew(unknownNodes)}); their tags are unknown`,
    });
  }
  return known;
}

/** The account field of an ARN (`arn:partition:service:region:account:resource`). */
function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':', 5);
  return parts.length === 5 ? parts[4] : undefined;
}

/**
 * A snapshot is of one account: account.json's Account builds every instance and document ARN the
 * policies are matched against. Files of two accounts put together (account.json written with another
 * profile) would match no account-specific Resource of iam.json's policies, and report the principals
 * they allow COMPLIANT; so an IAM entity or customer managed policy of another account is refused.
 */
function refuseOtherAccounts(account: Shape<'accountFile'>, iam: Shape<'iamFile'>): void {
  const id = account.Account;
  const arnAccount = account.Arn === undefined ? undefined : accountOfArn(account.Arn);
  if (arnAccount !== undefined && arnAccount !== id) {
    throw new SnapshotInputError(
      SNAPSHOT_FILES.account,
      `Arn: ${JSON.stringify(account.Arn)} is in account ${arnAccount}, not in the Account ${id}`,
    );
  }
  const lists = [
    ['UserDetailList', iam.UserDetailList],
    ['GroupDetailList', iam.GroupDetailList],
    ['RoleDetailList', iam.RoleDetailList],
    ['Policies', iam.Policies],
  ] as const;
  for (const [list, items] of lists) {
    for (let i = 0; i < items.length; i++) {
      const arn = (items[i] as { Arn?: string }).Arn;
      if (arn === undefined) continue;
      const other = accountOfArn(arn);
      // AWS managed policies are in the account "aws".
      if (other === undefined || other === id || (list === 'Policies' && other === 'aws')) continue;
      throw new SnapshotInputError(
        SNAPSHOT_FILES.iam,
        `${list}[${i}].Arn: ${JSON.stringify(arn)} is in account ${other}, but account.json says the snapshot is of account ${id}`,
      );
    }
  }
}

/**
 * An instance whose ResourceType says one kind and whose id the other (see resourceTypeContradiction)
 * is refused, as a duplicate is: nothing says which field is true, and the audit reads either one as
 * the whole truth about the ARN its policies are matched against and whether the tier applies.
 */
function refuseContradictoryInstances(list: Shape<'instancesFile'>['InstanceInformationList']): void {
  list.forEach((info, i) => {
    const contradiction = resourceTypeContradiction(info);
    if (contradiction) {
      throw new SnapshotInputError(
        SNAPSHOT_FILES.instances,
        `InstanceInformationList[${i}]: ${contradiction}; nothing says which is true`,
      );
    }
  });
}

/**
 * IAM holds one user, group, role or managed policy of a name per account, whatever its path, and does
 * not tell names apart by case: no account can hold both `/alice` and `/contractors/Alice`. Two entries
 * with one name were put together by hand, and the report would list the same principal twice with
 * different answers (or resolve a user's `GroupList` to either group). Everything here but the AWS
 * managed policies is of the snapshot's account (refuseOtherAccounts runs first); AWS managed policies
 * are named in AWS's own namespace, so a customer managed policy may share its name with one of them.
 */
function refuseDuplicateNames(iam: Shape<'iamFile'>): void {
  const file = SNAPSHOT_FILES.iam;
  const byName = { ignoreCase: true, arnOf: (item: { Arn: string }) => item.Arn };
  refuseDuplicates(file, 'UserDetailList', iam.UserDetailList, {
    ...byName,
    keyOf: (u) => u.UserName,
    field: 'UserName',
  });
  refuseDuplicates(file, 'GroupDetailList', iam.GroupDetailList, {
    ...byName,
    keyOf: (g) => g.GroupName,
    field: 'GroupName',
  });
  refuseDuplicates(file, 'RoleDetailList', iam.RoleDetailList, {
    ...byName,
    keyOf: (r) => r.RoleName,
    field: 'RoleName',
  });
  refuseDuplicates(file, 'Policies', iam.Policies, {
    ...byName,
    keyOf: (p) => p.PolicyName,
    field: 'PolicyName',
    namespaceOf: (p) => (accountOfArn(p.Arn) === 'aws' ? 'aws' : ''),
  });
}

/**
 * AWS lists each principal, group, policy and instance once. Two entries with one key come from files
 * put together by hand or from overlapping pages, and nothing says which one is true: the audit would
 * report the same thing twice with different answers. Refused, naming both places, and saying why two
 * entries that differ in case or path are one (see refuseDuplicateNames).
 */
function refuseDuplicates<T>(
  file: string,
  list: string,
  items: readonly T[],
  options: {
    keyOf: (item: T) => string;
    field: string;
    /** Keys that differ only in case are one (IAM names). */
    ignoreCase?: boolean;
    /** Where the entry is, to show when two entries of one key differ in path. */
    arnOf?: (item: T) => string;
    /** Keys are unique only within a namespace (AWS managed policies are in AWS's own). */
    namespaceOf?: (item: T) => string;
  },
): void {
  const { keyOf, field, ignoreCase = false, arnOf, namespaceOf } = options;
  const seen = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    const key = keyOf(item);
    const name = ignoreCase ? key.toLowerCase() : key;
    const folded = namespaceOf ? `${namespaceOf(item)}\u0000${name}` : name;
    const first = seen.get(folded);
    if (first !== undefined) {
      const other = items[first] as T;
      throw new SnapshotInputError(
        file,
        `${list}[${i}].${field}: ${JSON.stringify(key)} is listed twice (also ${list}[${first}]` +
          howTheyDiffer(key, keyOf(other), arnOf?.(item), arnOf?.(other)),
      );
    }
    seen.set(folded, i);
  }
}

/** The end of a duplicate's message: nothing when the two entries are written alike, else how they differ. */
function howTheyDiffer(
  key: string,
  otherKey: string,
  arn: string | undefined,
  otherArn: string | undefined,
): string {
  const caseDiffers = key !== otherKey;
  // The names are one but for case, so ARNs that differ by more than case differ in path.
  const pathDiffers =
    arn !== undefined && otherArn !== undefined && arn.toLowerCase() !== otherArn.toLowerCase();
  if (!caseDiffers && !pathDiffers) return ')';
  if (!pathDiffers) return ` as ${JSON.stringify(otherKey)}, which IAM does not tell apart by case)`;
  return (
    ` as ${JSON.stringify(otherArn)}, which IAM does not tell apart: a name is unique in its account` +
    ` whatever its path${caseDiffers ? ' and case' : ''})`
  );
}
