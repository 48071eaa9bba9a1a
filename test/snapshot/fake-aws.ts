import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake AWS endpoint on 127.0.0.1 for wire-level tests: it answers IAM, STS, SSM and EC2 in each
 * service's real protocol, so that the real SDK clients serialize requests, sign them, paginate and
 * deserialize responses exactly as they do against AWS.
 *
 * - IAM and STS: the AWS Query protocol (form-urlencoded POST with Action=..., XML responses), policy
 *   documents URL-encoded as IAM returns them.
 * - SSM: JSON 1.1 (X-Amz-Target: AmazonSSM.<Operation>, application/x-amz-json-1.1), timestamps as
 *   epoch seconds.
 * - EC2: the EC2 Query protocol (XML with lowerCamelCase members and `item` list entries).
 *
 * The service is taken from the SigV4 credential scope of the Authorization header
 * (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`), which also proves every request was signed.
 * Nothing here is shared with src/: the shapes are written from the AWS API reference.
 */

export type Api =
  | 'sts:GetCallerIdentity'
  | 'iam:GetAccountAuthorizationDetails'
  | 'ssm:DescribeInstanceInformation'
  | 'ssm:GetServiceSetting'
  | 'ssm:GetDocument'
  | 'ssm:ListDocuments'
  | 'ssm:ListTagsForResource'
  | 'ec2:DescribeTags';

export type PolicyDocument = Record<string, unknown>;
export interface FakeTag {
  Key: string;
  Value: string;
}
export interface FakeInlinePolicy {
  PolicyName: string;
  PolicyDocument: PolicyDocument;
}
export interface FakeAttached {
  PolicyName: string;
  PolicyArn: string;
}
export interface FakeUser {
  UserName: string;
  UserId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  GroupList?: string[];
  UserPolicyList?: FakeInlinePolicy[];
  AttachedManagedPolicies?: FakeAttached[];
  PermissionsBoundary?: { PermissionsBoundaryType: string; PermissionsBoundaryArn: string };
  Tags?: FakeTag[];
}
export interface FakeGroup {
  GroupName: string;
  GroupId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  GroupPolicyList?: FakeInlinePolicy[];
  AttachedManagedPolicies?: FakeAttached[];
}
export interface FakeRole {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  AssumeRolePolicyDocument: PolicyDocument;
  RolePolicyList?: FakeInlinePolicy[];
  AttachedManagedPolicies?: FakeAttached[];
  PermissionsBoundary?: { PermissionsBoundaryType: string; PermissionsBoundaryArn: string };
  Tags?: FakeTag[];
  RoleLastUsed?: { LastUsedDate: string; Region: string };
}
export interface FakePolicy {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  AttachmentCount: number;
  PermissionsBoundaryUsageCount: number;
  IsAttachable: boolean;
  CreateDate: string;
  UpdateDate: string;
  PolicyVersionList: {
    Document: PolicyDocument;
    VersionId: string;
    IsDefaultVersion: boolean;
    CreateDate: string;
  }[];
}

/** One Session document: its ListDocuments entry (JSON 1.1 shape) and its content. */
export interface FakeSessionDocument {
  identifier: Record<string, unknown> & { Name: string };
  content: Record<string, unknown>;
}

export interface FakeAccount {
  accountId: string;
  callerArn: string;
  callerUserId: string;
  users: FakeUser[];
  groups: FakeGroup[];
  roles: FakeRole[];
  policies: FakePolicy[];
  /** DescribeInstanceInformation entries, JSON 1.1 shape (timestamps in epoch seconds). */
  instances: (Record<string, unknown> & { InstanceId: string; ResourceType: string })[];
  activationTier: 'standard' | 'advanced';
  /** The content of SSM-SessionManagerRunShell; undefined: the document does not exist. */
  runShell: Record<string, unknown> | undefined;
  sessionDocuments: FakeSessionDocument[];
  /** EC2 DescribeTags entries for resource-type instance. */
  ec2Tags: { ResourceId: string; ResourceType: string; Key: string; Value: string }[];
  /** ListTagsForResource answers for hybrid nodes, by node id. */
  managedInstanceTags: Record<string, FakeTag[]>;
}

export type FaultKind = 'throttle' | 'access-denied';
export interface Fault {
  kind: FaultKind;
  /** How many of the first calls of the API fail (Infinity: all). */
  times: number;
}

export interface FakeAwsOptions {
  /** Items per IAM page: min(MaxItems, iamPageSize). IAM may return fewer items than MaxItems. */
  iamPageSize?: number;
  instancePageSize?: number;
  documentPageSize?: number;
  tagPageSize?: number;
  faults?: Partial<Record<Api, Fault>>;
}

export interface RecordedRequest {
  api: Api;
  /** The SigV4 signing service and region, and the access key id. */
  service: string;
  region: string;
  accessKeyId: string;
  /** Decoded parameters: form fields (Query) or the JSON body (JSON 1.1). */
  params: Record<string, unknown>;
  status: number;
}

export interface FakeAws {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests per API, failed attempts included. */
  counts(): Partial<Record<Api, number>>;
  count(api: Api, where?: (r: RecordedRequest) => boolean): number;
  setFaults(faults: Partial<Record<Api, Fault>>): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Serialization helpers

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function el(name: string, content: string | number | boolean | undefined): string {
  if (content === undefined) return '';
  return `<${name}>${typeof content === 'string' ? content : String(content)}</${name}>`;
}

function text(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : el(name, xmlEscape(String(value)));
}

/** An IAM list: <Name><member>..</member>...</Name>; an empty list is written as <Name/>, as IAM does. */
function members<T>(name: string, items: readonly T[] | undefined, each: (item: T) => string): string {
  if (items === undefined) return '';
  if (items.length === 0) return `<${name}/>`;
  return `<${name}>${items.map((i) => `<member>${each(i)}</member>`).join('')}</${name}>`;
}

/** IAM returns policy documents URL-encoded (RFC 3986). */
export function urlEncodeDocument(document: PolicyDocument): string {
  return encodeURIComponent(JSON.stringify(document));
}

const inlinePolicyXml = (p: FakeInlinePolicy): string =>
  text('PolicyName', p.PolicyName) + text('PolicyDocument', urlEncodeDocument(p.PolicyDocument));
const attachedXml = (p: FakeAttached): string =>
  text('PolicyName', p.PolicyName) + text('PolicyArn', p.PolicyArn);
const tagXml = (t: FakeTag): string => text('Key', t.Key) + text('Value', t.Value);
const boundaryXml = (b: FakeUser['PermissionsBoundary']): string =>
  b
    ? el(
        'PermissionsBoundary',
        text('PermissionsBoundaryType', b.PermissionsBoundaryType) +
          text('PermissionsBoundaryArn', b.PermissionsBoundaryArn),
      )
    : '';

function userXml(u: FakeUser): string {
  return (
    text('Path', u.Path) +
    text('UserName', u.UserName) +
    text('UserId', u.UserId) +
    text('Arn', u.Arn) +
    text('CreateDate', u.CreateDate) +
    members('UserPolicyList', u.UserPolicyList ?? [], inlinePolicyXml) +
    members('GroupList', u.GroupList ?? [], (g) => xmlEscape(g)) +
    members('AttachedManagedPolicies', u.AttachedManagedPolicies ?? [], attachedXml) +
    boundaryXml(u.PermissionsBoundary) +
    members('Tags', u.Tags, tagXml)
  );
}

function groupXml(g: FakeGroup): string {
  return (
    text('Path', g.Path) +
    text('GroupName', g.GroupName) +
    text('GroupId', g.GroupId) +
    text('Arn', g.Arn) +
    text('CreateDate', g.CreateDate) +
    members('GroupPolicyList', g.GroupPolicyList ?? [], inlinePolicyXml) +
    members('AttachedManagedPolicies', g.AttachedManagedPolicies ?? [], attachedXml)
  );
}

function roleXml(r: FakeRole): string {
  return (
    text('Path', r.Path) +
    text('RoleName', r.RoleName) +
    text('RoleId', r.RoleId) +
    text('Arn', r.Arn) +
    text('CreateDate', r.CreateDate) +
    text('AssumeRolePolicyDocument', urlEncodeDocument(r.AssumeRolePolicyDocument)) +
    '<InstanceProfileList/>' +
    members('RolePolicyList', r.RolePolicyList ?? [], inlinePolicyXml) +
    members('AttachedManagedPolicies', r.AttachedManagedPolicies ?? [], attachedXml) +
    boundaryXml(r.PermissionsBoundary) +
    members('Tags', r.Tags, tagXml) +
    (r.RoleLastUsed
      ? el(
          'RoleLastUsed',
          text('LastUsedDate', r.RoleLastUsed.LastUsedDate) + text('Region', r.RoleLastUsed.Region),
        )
      : '<RoleLastUsed/>')
  );
}

function policyXml(p: FakePolicy): string {
  return (
    text('PolicyName', p.PolicyName) +
    text('PolicyId', p.PolicyId) +
    text('Arn', p.Arn) +
    text('Path', p.Path) +
    text('DefaultVersionId', p.DefaultVersionId) +
    text('AttachmentCount', p.AttachmentCount) +
    text('PermissionsBoundaryUsageCount', p.PermissionsBoundaryUsageCount) +
    text('IsAttachable', p.IsAttachable) +
    text('CreateDate', p.CreateDate) +
    text('UpdateDate', p.UpdateDate) +
    members(
      'PolicyVersionList',
      p.PolicyVersionList,
      (v) =>
        text('Document', urlEncodeDocument(v.Document)) +
        text('VersionId', v.VersionId) +
        text('IsDefaultVersion', v.IsDefaultVersion) +
        text('CreateDate', v.CreateDate),
    )
  );
}

// ---------------------------------------------------------------------------------------------------
// The server

type Item =
  | { kind: 'User'; value: FakeUser }
  | { kind: 'Group'; value: FakeGroup }
  | { kind: 'Role'; value: FakeRole }
  | { kind: 'Policy'; value: FakePolicy };

function token(offset: number, what: string): string {
  return Buffer.from(`${what}:${offset}`).toString('base64');
}
function offsetOf(value: unknown, what: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const [kind, n] = Buffer.from(String(value), 'base64').toString().split(':');
  if (kind !== what || !n || !/^\d+$/.test(n))
    throw new Error(`bad pagination token for ${what}: ${String(value)}`);
  return Number(n);
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

const requestId = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export async function startFakeAws(account: FakeAccount, options: FakeAwsOptions = {}): Promise<FakeAws> {
  const requests: RecordedRequest[] = [];
  let faults: Partial<Record<Api, Fault>> = { ...(options.faults ?? {}) };
  const failedSoFar = new Map<Api, number>();
  let served = 0;

  const queryError = (ns: string, status: number, code: string, message: string, id: string): Reply => ({
    status,
    contentType: 'text/xml',
    body:
      `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${xmlEscape(message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
  });
  const jsonError = (status: number, type: string, message: string): Reply => ({
    status,
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify({ __type: type, message }),
  });
  const ec2Error = (status: number, code: string, message: string, id: string): Reply => ({
    status,
    contentType: 'text/xml;charset=UTF-8',
    body:
      `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code>` +
      `<Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${id}</RequestID></Response>`,
  });

  const faultReply = (api: Api, id: string): Reply | undefined => {
    const fault = faults[api];
    if (!fault) return undefined;
    const failed = failedSoFar.get(api) ?? 0;
    if (failed >= fault.times) return undefined;
    failedSoFar.set(api, failed + 1);
    const [service, operation] = api.split(':') as [string, string];
    const denied = `User: ${account.callerArn} is not authorized to perform: ${api} because no identity-based policy allows the ${api} action`;
    if (service === 'iam' || service === 'sts') {
      const ns = service === 'iam' ? IAM_NS : STS_NS;
      return fault.kind === 'throttle'
        ? queryError(ns, 400, 'Throttling', 'Rate exceeded', id)
        : queryError(ns, 403, 'AccessDenied', denied, id);
    }
    if (service === 'ssm') {
      return fault.kind === 'throttle'
        ? jsonError(400, 'ThrottlingException', 'Rate exceeded')
        : jsonError(400, 'AccessDeniedException', denied);
    }
    void operation;
    return fault.kind === 'throttle'
      ? ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.', id)
      : ec2Error(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.', id);
  };

  // IAM: users, groups, roles and policies, in that order, paged across all kinds by MaxItems.
  const iamItems = (filters: string[]): Item[] => {
    const want = (k: string): boolean => filters.length === 0 || filters.includes(k);
    const items: Item[] = [];
    if (want('User')) items.push(...account.users.map((value) => ({ kind: 'User' as const, value })));
    if (want('Group')) items.push(...account.groups.map((value) => ({ kind: 'Group' as const, value })));
    if (want('Role')) items.push(...account.roles.map((value) => ({ kind: 'Role' as const, value })));
    for (const value of account.policies) {
      const awsManaged = value.Arn.startsWith('arn:aws:iam::aws:policy/');
      if (want(awsManaged ? 'AWSManagedPolicy' : 'LocalManagedPolicy')) items.push({ kind: 'Policy', value });
    }
    return items;
  };

  const getAccountAuthorizationDetails = (form: URLSearchParams, id: string): Reply => {
    const filters = [...form.entries()].filter(([k]) => /^Filter\.member\.\d+$/.test(k)).map(([, v]) => v);
    const maxItems = Number(form.get('MaxItems') ?? 100);
    const pageSize = Math.min(maxItems, options.iamPageSize ?? Infinity);
    const all = iamItems(filters);
    const start = offsetOf(form.get('Marker') ?? undefined, 'iam');
    const page = all.slice(start, start + pageSize);
    const truncated = start + pageSize < all.length;
    const users = page.flatMap((i) => (i.kind === 'User' ? [i.value] : []));
    const groups = page.flatMap((i) => (i.kind === 'Group' ? [i.value] : []));
    const roles = page.flatMap((i) => (i.kind === 'Role' ? [i.value] : []));
    const policies = page.flatMap((i) => (i.kind === 'Policy' ? [i.value] : []));
    const body =
      `<GetAccountAuthorizationDetailsResponse xmlns="${IAM_NS}"><GetAccountAuthorizationDetailsResult>` +
      text('IsTruncated', truncated) +
      (truncated ? text('Marker', token(start + pageSize, 'iam')) : '') +
      members('UserDetailList', users, userXml) +
      members('GroupDetailList', groups, groupXml) +
      members('RoleDetailList', roles, roleXml) +
      members('Policies', policies, policyXml) +
      `</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata>` +
      `</GetAccountAuthorizationDetailsResponse>`;
    return { status: 200, contentType: 'text/xml', body };
  };

  const getCallerIdentity = (id: string): Reply => ({
    status: 200,
    contentType: 'text/xml',
    body:
      `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult>` +
      text('Arn', account.callerArn) +
      text('UserId', account.callerUserId) +
      text('Account', account.accountId) +
      `</GetCallerIdentityResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  });

  const ssmJson = (value: unknown): Reply => ({
    status: 200,
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify(value),
  });

  const ssm = (operation: string, input: Record<string, unknown>): Reply => {
    switch (operation) {
      case 'DescribeInstanceInformation': {
        const size = Math.min(Number(input.MaxResults ?? 50), options.instancePageSize ?? Infinity);
        const start = offsetOf(input.NextToken, 'instances');
        const page = account.instances.slice(start, start + size);
        const more = start + size < account.instances.length;
        return ssmJson({
          InstanceInformationList: page,
          ...(more ? { NextToken: token(start + size, 'instances') } : {}),
        });
      }
      case 'GetServiceSetting': {
        if (input.SettingId !== '/ssm/managed-instance/activation-tier') {
          return jsonError(400, 'ServiceSettingNotFound', `no setting ${String(input.SettingId)}`);
        }
        return ssmJson({
          ServiceSetting: {
            SettingId: '/ssm/managed-instance/activation-tier',
            SettingValue: account.activationTier,
            LastModifiedDate: 1700000000,
            LastModifiedUser: 'System',
            ARN: `arn:aws:ssm:us-east-1:${account.accountId}:servicesetting/ssm/managed-instance/activation-tier`,
            Status: 'Default',
          },
        });
      }
      case 'GetDocument': {
        const name = String(input.Name);
        if (input.DocumentFormat !== undefined && input.DocumentFormat !== 'JSON') {
          return jsonError(400, 'ValidationException', 'this fake serves JSON documents only');
        }
        if (name === 'SSM-SessionManagerRunShell') {
          if (!account.runShell)
            return jsonError(
              400,
              'InvalidDocument',
              'Document with name SSM-SessionManagerRunShell does not exist.',
            );
          return ssmJson({
            Name: name,
            CreatedDate: 1690000000.5,
            DocumentVersion: '1',
            Status: 'Active',
            Content: JSON.stringify(account.runShell, null, 4),
            DocumentType: 'Session',
            DocumentFormat: 'JSON',
          });
        }
        const doc = account.sessionDocuments.find((d) => d.identifier.Name === name);
        if (!doc) return jsonError(400, 'InvalidDocument', `Document with name ${name} does not exist.`);
        return ssmJson({
          Name: name,
          DocumentVersion: doc.identifier.DocumentVersion ?? '1',
          Status: 'Active',
          Content: JSON.stringify(doc.content, null, 2),
          DocumentType: 'Session',
          DocumentFormat: 'JSON',
        });
      }
      case 'ListDocuments': {
        const filters = (input.Filters ?? []) as { Key: string; Values: string[] }[];
        const typeFilter = filters.find((f) => f.Key === 'DocumentType');
        const all = account.sessionDocuments
          .map((d) => d.identifier)
          .filter((d) => !typeFilter || typeFilter.Values.includes(String(d.DocumentType)));
        const size = Math.min(Number(input.MaxResults ?? 50), options.documentPageSize ?? Infinity);
        const start = offsetOf(input.NextToken, 'documents');
        const more = start + size < all.length;
        return ssmJson({
          DocumentIdentifiers: all.slice(start, start + size),
          ...(more ? { NextToken: token(start + size, 'documents') } : {}),
        });
      }
      case 'ListTagsForResource': {
        if (input.ResourceType !== 'ManagedInstance') {
          return jsonError(
            400,
            'InvalidResourceType',
            `unexpected ResourceType ${String(input.ResourceType)}`,
          );
        }
        const tags = account.managedInstanceTags[String(input.ResourceId)];
        if (!tags) return jsonError(400, 'InvalidResourceId', `no such node ${String(input.ResourceId)}`);
        return ssmJson({ TagList: tags });
      }
      default:
        return jsonError(400, 'UnknownOperationException', operation);
    }
  };

  const describeTags = (form: URLSearchParams, id: string): Reply => {
    // Filter.1.Name=resource-type&Filter.1.Value.1=instance
    const filters: { name: string; values: string[] }[] = [];
    for (let n = 1; form.has(`Filter.${n}.Name`); n++) {
      const values: string[] = [];
      for (let v = 1; form.has(`Filter.${n}.Value.${v}`); v++)
        values.push(form.get(`Filter.${n}.Value.${v}`) as string);
      filters.push({ name: form.get(`Filter.${n}.Name`) as string, values });
    }
    const all = account.ec2Tags.filter((t) =>
      filters.every((f) => (f.name === 'resource-type' ? f.values.includes(t.ResourceType) : true)),
    );
    const size = Math.min(Number(form.get('MaxResults') ?? 1000), options.tagPageSize ?? Infinity);
    const start = offsetOf(form.get('NextToken') ?? undefined, 'tags');
    const more = start + size < all.length;
    const items = all
      .slice(start, start + size)
      .map(
        (t) =>
          `<item>${text('resourceId', t.ResourceId)}${text('resourceType', t.ResourceType)}${text('key', t.Key)}${text('value', t.Value)}</item>`,
      )
      .join('');
    return {
      status: 200,
      contentType: 'text/xml;charset=UTF-8',
      body:
        `<?xml version="1.0" encoding="UTF-8"?><DescribeTagsResponse xmlns="${EC2_NS}"><requestId>${id}</requestId>` +
        `<tagSet>${items}</tagSet>${more ? text('nextToken', token(start + size, 'tags')) : ''}</DescribeTagsResponse>`,
    };
  };

  const handle = (
    req: IncomingMessage,
    raw: string,
  ): { api: Api | undefined; reply: Reply; record: Omit<RecordedRequest, 'api' | 'status'> } => {
    const id = requestId(++served);
    const auth = req.headers.authorization ?? '';
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
    const record = {
      service: scope?.[3] ?? '',
      region: scope?.[2] ?? '',
      accessKeyId: scope?.[1] ?? '',
      params: {} as Record<string, unknown>,
    };
    if (!scope)
      return {
        api: undefined,
        reply: jsonError(403, 'MissingAuthenticationToken', 'unsigned request'),
        record,
      };
    const target = req.headers['x-amz-target'];
    if (record.service === 'ssm') {
      const operation = String(target ?? '').replace(/^AmazonSSM\./, '');
      const input = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      record.params = input;
      if (req.headers['content-type'] !== 'application/x-amz-json-1.1') {
        return {
          api: undefined,
          reply: jsonError(400, 'SerializationException', 'bad content type'),
          record,
        };
      }
      const api = `ssm:${operation}` as Api;
      return { api, reply: faultReply(api, id) ?? ssm(operation, input), record };
    }
    const form = new URLSearchParams(raw);
    record.params = Object.fromEntries(form.entries());
    const action = form.get('Action') ?? '';
    const api = `${record.service}:${action}` as Api;
    const fault = faultReply(api, id);
    if (fault) return { api, reply: fault, record };
    if (api === 'iam:GetAccountAuthorizationDetails' && form.get('Version') === '2010-05-08') {
      return { api, reply: getAccountAuthorizationDetails(form, id), record };
    }
    if (api === 'sts:GetCallerIdentity' && form.get('Version') === '2011-06-15')
      return { api, reply: getCallerIdentity(id), record };
    if (api === 'ec2:DescribeTags' && form.get('Version') === '2016-11-15')
      return { api, reply: describeTags(form, id), record };
    return { api, reply: queryError(IAM_NS, 400, 'InvalidAction', `unexpected ${api}`, id), record };
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let outcome;
      try {
        outcome = handle(req, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
        return;
      }
      const { api, reply, record } = outcome;
      if (api) requests.push({ api, ...record, status: reply.status });
      res.writeHead(reply.status, {
        'content-type': reply.contentType,
        'x-amzn-requestid': requestId(served),
        'content-length': Buffer.byteLength(reply.body),
      });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    counts() {
      const counts: Partial<Record<Api, number>> = {};
      for (const r of requests) counts[r.api] = (counts[r.api] ?? 0) + 1;
      return counts;
    },
    count(api, where) {
      return requests.filter((r) => r.api === api && (!where || where(r))).length;
    },
    setFaults(next) {
      faults = { ...next };
      failedSoFar.clear();
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Accounts

const TRUST_EC2: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export const WIRE_ACCOUNT_ID = '111122223333';

/**
 * The account of the wire tests. What the audit must say about it:
 * - reader (ReadOnly: ssm:Describe*, Get*, List*): SSH denied;
 * - dev (group Developers: StartSession on the SSH document and on instances tagged env=dev): SSH
 *   allowed, reaching the two env=dev nodes only (one EC2 instance, one hybrid node);
 * - carol (PowerAdmin, Allow * in its default version v2, but a boundary that allows only ec2:*): denied;
 * - OpsRole (inline Allow ssm:StartSession on *): allowed everywhere;
 * - GuardedRole (inline Allow ssm:* on *, attached DenySSH on the SSH document): SSH denied explicitly,
 *   port forwarding allowed.
 */
export function wireAccount(): FakeAccount {
  const acct = WIRE_ACCOUNT_ID;
  const policy = (
    name: string,
    id: string,
    versions: { VersionId: string; IsDefaultVersion: boolean; Document: PolicyDocument }[],
  ): FakePolicy => ({
    PolicyName: name,
    PolicyId: id,
    Arn: `arn:aws:iam::${acct}:policy/${name}`,
    Path: '/',
    DefaultVersionId: versions.find((v) => v.IsDefaultVersion)?.VersionId ?? 'v1',
    AttachmentCount: 1,
    PermissionsBoundaryUsageCount: name === 'Boundary' ? 1 : 0,
    IsAttachable: true,
    CreateDate: '2023-03-01T12:00:00Z',
    UpdateDate: '2023-03-02T12:00:00Z',
    PolicyVersionList: versions.map((v) => ({ ...v, CreateDate: '2023-03-02T12:00:00Z' })),
  });
  return {
    accountId: acct,
    callerArn: `arn:aws:iam::${acct}:user/auditor`,
    callerUserId: 'AIDAAUDITOR0000000001',
    users: [
      {
        Path: '/',
        UserName: 'reader',
        UserId: 'AIDAREADER00000000001',
        Arn: `arn:aws:iam::${acct}:user/reader`,
        CreateDate: '2023-01-15T10:00:00Z',
        AttachedManagedPolicies: [
          { PolicyName: 'ReadOnly', PolicyArn: `arn:aws:iam::${acct}:policy/ReadOnly` },
        ],
        Tags: [{ Key: 'team', Value: 'audit' }],
      },
      {
        Path: '/engineering/',
        UserName: 'dev',
        UserId: 'AIDADEV0000000000001',
        Arn: `arn:aws:iam::${acct}:user/engineering/dev`,
        CreateDate: '2023-01-16T10:00:00Z',
        GroupList: ['Developers'],
      },
      {
        Path: '/',
        UserName: 'carol',
        UserId: 'AIDACAROL00000000001',
        Arn: `arn:aws:iam::${acct}:user/carol`,
        CreateDate: '2023-01-17T10:00:00Z',
        AttachedManagedPolicies: [
          { PolicyName: 'PowerAdmin', PolicyArn: `arn:aws:iam::${acct}:policy/PowerAdmin` },
        ],
        PermissionsBoundary: {
          PermissionsBoundaryType: 'Policy',
          PermissionsBoundaryArn: `arn:aws:iam::${acct}:policy/Boundary`,
        },
      },
    ],
    groups: [
      {
        Path: '/',
        GroupName: 'Developers',
        GroupId: 'AGPADEVELOPERS000001',
        Arn: `arn:aws:iam::${acct}:group/Developers`,
        CreateDate: '2023-01-10T09:00:00Z',
        GroupPolicyList: [
          {
            PolicyName: 'ssh-to-dev',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'SshDocument',
                  Effect: 'Allow',
                  Action: 'ssm:StartSession',
                  Resource: 'arn:aws:ssm:*:*:document/AWS-StartSSHSession',
                },
                {
                  Sid: 'DevInstances',
                  Effect: 'Allow',
                  Action: 'ssm:StartSession',
                  Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:managed-instance/*'],
                  Condition: { StringEquals: { 'ssm:resourceTag/env': 'dev' } },
                },
              ],
            },
          },
        ],
      },
    ],
    roles: [
      {
        Path: '/',
        RoleName: 'OpsRole',
        RoleId: 'AROAOPSROLE000000001',
        Arn: `arn:aws:iam::${acct}:role/OpsRole`,
        CreateDate: '2023-02-01T08:30:00Z',
        AssumeRolePolicyDocument: TRUST_EC2,
        RolePolicyList: [
          {
            PolicyName: 'start-any-session',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*' }],
            },
          },
        ],
        Tags: [{ Key: 'owner', Value: 'ops team & co' }],
        RoleLastUsed: { LastUsedDate: '2024-05-01T00:00:00Z', Region: 'us-east-1' },
      },
      {
        Path: '/service-role/',
        RoleName: 'GuardedRole',
        RoleId: 'AROAGUARDEDROLE00001',
        Arn: `arn:aws:iam::${acct}:role/service-role/GuardedRole`,
        CreateDate: '2023-02-02T08:30:00Z',
        AssumeRolePolicyDocument: TRUST_EC2,
        RolePolicyList: [
          {
            PolicyName: 'ssm-everything',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: { Effect: 'Allow', Action: 'ssm:*', Resource: '*' },
            },
          },
        ],
        AttachedManagedPolicies: [
          { PolicyName: 'DenySSH', PolicyArn: `arn:aws:iam::${acct}:policy/DenySSH` },
        ],
      },
    ],
    policies: [
      policy('ReadOnly', 'ANPAREADONLY00000001', [
        {
          VersionId: 'v1',
          IsDefaultVersion: true,
          Document: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['ec2:Describe*', 'ssm:Describe*', 'ssm:Get*', 'ssm:List*'],
                Resource: '*',
              },
            ],
          },
        },
      ]),
      policy('PowerAdmin', 'ANPAPOWERADMIN000001', [
        {
          VersionId: 'v2',
          IsDefaultVersion: true,
          Document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
        {
          VersionId: 'v1',
          IsDefaultVersion: false,
          Document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
          },
        },
      ]),
      policy('Boundary', 'ANPABOUNDARY00000001', [
        {
          VersionId: 'v1',
          IsDefaultVersion: true,
          Document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
          },
        },
      ]),
      policy('DenySSH', 'ANPADENYSSH000000001', [
        {
          VersionId: 'v1',
          IsDefaultVersion: true,
          Document: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'VisualEditor1',
                Effect: 'Deny',
                Action: 'ssm:StartSession',
                Resource: 'arn:aws:ssm:*:*:document/AWS-StartSSHSession',
              },
            ],
          },
        },
      ]),
    ],
    instances: [
      {
        InstanceId: 'i-0aaaaaaaaaaaaaaa1',
        PingStatus: 'Online',
        LastPingDateTime: 1717243200.25,
        AgentVersion: '3.3.40.0',
        IsLatestVersion: false,
        PlatformType: 'Linux',
        PlatformName: 'Amazon Linux',
        PlatformVersion: '2023',
        ResourceType: 'EC2Instance',
        IPAddress: '10.0.1.10',
        ComputerName: 'ip-10-0-1-10.ec2.internal',
        AssociationStatus: 'Success',
        SourceId: 'i-0aaaaaaaaaaaaaaa1',
        SourceType: 'AWS::EC2::Instance',
      },
      {
        InstanceId: 'i-0bbbbbbbbbbbbbbb2',
        PingStatus: 'ConnectionLost',
        LastPingDateTime: 1717200000,
        AgentVersion: '3.2.582.0',
        IsLatestVersion: false,
        PlatformType: 'Linux',
        PlatformName: 'Ubuntu',
        PlatformVersion: '22.04',
        ResourceType: 'EC2Instance',
        IPAddress: '10.0.2.20',
        ComputerName: 'ip-10-0-2-20.ec2.internal',
        SourceId: 'i-0bbbbbbbbbbbbbbb2',
        SourceType: 'AWS::EC2::Instance',
      },
      {
        InstanceId: 'mi-0123456789abcdef0',
        PingStatus: 'Online',
        LastPingDateTime: 1717243000,
        AgentVersion: '3.3.131.0',
        IsLatestVersion: false,
        PlatformType: 'Linux',
        PlatformName: 'Debian GNU/Linux',
        PlatformVersion: '12',
        ActivationId: '4e0a12b3-aaaa-bbbb-cccc-1234567890ab',
        IamRole: 'SSMServiceRole',
        RegistrationDate: 1700000000,
        ResourceType: 'ManagedInstance',
        Name: 'rack-12-server',
        IPAddress: '192.168.1.12',
        ComputerName: 'rack12',
        SourceId: 'mi-0123456789abcdef0',
        SourceType: 'AWS::SSM::ManagedInstance',
      },
    ],
    activationTier: 'advanced',
    runShell: {
      schemaVersion: '1.0',
      description: 'Document to hold regional settings for Session Manager',
      sessionType: 'Standard_Stream',
      inputs: {
        s3BucketName: 'session-logs-111122223333',
        s3KeyPrefix: 'ssm/',
        s3EncryptionEnabled: true,
        cloudWatchLogGroupName: '/ssm/sessions',
        cloudWatchEncryptionEnabled: true,
        cloudWatchStreamingEnabled: false,
        kmsKeyId: '',
        runAsEnabled: false,
        runAsDefaultUser: '',
        idleSessionTimeout: '20',
        shellProfile: { windows: '', linux: '' },
      },
    },
    sessionDocuments: [
      sessionDocument('AWS-StartSSHSession', 'Amazon', 'Port', 1565212800.123, {
        portNumber: { type: 'String', default: '22' },
      }),
      sessionDocument('AWS-StartPortForwardingSession', 'Amazon', 'Port', 1565212800.5, {
        portNumber: { type: 'String', default: '80' },
      }),
      sessionDocument('AWS-StartInteractiveCommand', 'Amazon', 'InteractiveCommands', 1613688786.446, {
        command: { type: 'String' },
      }),
      sessionDocument('Custom-DbTunnel', acct, 'Port', 1700000100, {
        portNumber: { type: 'String', default: '5432' },
      }),
      sessionDocument('Custom-Shell', acct, 'Standard_Stream', 1700000200, {}),
    ],
    ec2Tags: [
      { ResourceId: 'i-0aaaaaaaaaaaaaaa1', ResourceType: 'instance', Key: 'Name', Value: 'dev-box' },
      { ResourceId: 'i-0aaaaaaaaaaaaaaa1', ResourceType: 'instance', Key: 'env', Value: 'dev' },
      { ResourceId: 'i-0bbbbbbbbbbbbbbb2', ResourceType: 'instance', Key: 'env', Value: 'prod' },
      { ResourceId: 'i-0ccccccccccccccc3', ResourceType: 'instance', Key: 'env', Value: 'stopped <old>' },
    ],
    managedInstanceTags: {
      'mi-0123456789abcdef0': [
        { Key: 'env', Value: 'dev' },
        { Key: 'site', Value: 'rack-12' },
      ],
    },
  };
}

function sessionDocument(
  name: string,
  owner: string,
  sessionType: string,
  created: number,
  parameters: Record<string, unknown>,
): FakeSessionDocument {
  return {
    identifier: {
      Name: name,
      CreatedDate: created,
      Owner: owner,
      PlatformTypes: ['Windows', 'Linux', 'MacOS'],
      DocumentVersion: '1',
      DocumentType: 'Session',
      SchemaVersion: '1.0',
      DocumentFormat: 'JSON',
      Tags: [],
    },
    content: {
      schemaVersion: '1.0',
      description: `${name} (${sessionType})`,
      sessionType,
      parameters,
      properties:
        sessionType === 'Port' ? { portNumber: '{{ portNumber }}', type: 'LocalPortForwarding' } : {},
    },
  };
}

/**
 * A large account for the efficiency test: `principals` users and roles (half each, rounded) that
 * share a few managed policies, `instances` managed nodes (every tenth a hybrid node), each EC2
 * instance tagged.
 */
export function largeAccount(principals: number, instances: number): FakeAccount {
  const base = wireAccount();
  const acct = WIRE_ACCOUNT_ID;
  const userCount = Math.ceil(principals / 2);
  const users: FakeUser[] = Array.from({ length: userCount }, (_, n) => ({
    Path: '/',
    UserName: `user-${n}`,
    UserId: `AIDAUSER${String(n).padStart(12, '0')}`,
    Arn: `arn:aws:iam::${acct}:user/user-${n}`,
    CreateDate: '2023-01-15T10:00:00Z',
    ...(n % 3 === 0 ? { GroupList: ['Developers'] } : {}),
    AttachedManagedPolicies: [{ PolicyName: 'ReadOnly', PolicyArn: `arn:aws:iam::${acct}:policy/ReadOnly` }],
  }));
  const roles: FakeRole[] = Array.from({ length: principals - userCount }, (_, n) => ({
    Path: '/',
    RoleName: `role-${n}`,
    RoleId: `AROAROLE${String(n).padStart(12, '0')}`,
    Arn: `arn:aws:iam::${acct}:role/role-${n}`,
    CreateDate: '2023-02-01T08:30:00Z',
    AssumeRolePolicyDocument: TRUST_EC2,
    AttachedManagedPolicies: [
      n % 5 === 0
        ? { PolicyName: 'PowerAdmin', PolicyArn: `arn:aws:iam::${acct}:policy/PowerAdmin` }
        : { PolicyName: 'ReadOnly', PolicyArn: `arn:aws:iam::${acct}:policy/ReadOnly` },
    ],
  }));
  const nodes = Array.from({ length: instances }, (_, n) => {
    const hybrid = n % 10 === 9;
    const id = hybrid ? `mi-${n.toString(16).padStart(17, '0')}` : `i-${n.toString(16).padStart(17, '0')}`;
    return {
      InstanceId: id,
      PingStatus: 'Online',
      AgentVersion: '3.3.40.0',
      PlatformType: 'Linux',
      ResourceType: hybrid ? 'ManagedInstance' : 'EC2Instance',
    };
  });
  return {
    ...base,
    users,
    roles,
    instances: nodes,
    ec2Tags: nodes
      .filter((i) => i.ResourceType === 'EC2Instance')
      .map((i, n) => ({
        ResourceId: i.InstanceId,
        ResourceType: 'instance',
        Key: 'env',
        Value: n % 2 ? 'prod' : 'dev',
      })),
    managedInstanceTags: Object.fromEntries(
      nodes
        .filter((i) => i.ResourceType === 'ManagedInstance')
        .map((i) => [i.InstanceId, [{ Key: 'env', Value: 'dev' }]]),
    ),
  };
}
