import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectReferences, PSEUDO_PARAMETERS, Renderer, type Json, type JsonObject, type Template } from './cfnTemplate';
import { allows, type PolicyDocument } from './iamMatch';

const root = join(__dirname, '..', '..');
const readJson = <T>(rel: string): T => JSON.parse(readFileSync(join(root, rel), 'utf8')) as T;
const template = readJson<Template>('deploy/cloudformation/bucket.json');

/** Properties CloudFormation accepts for the types the template uses (from the resource reference). */
const PROPERTIES: Record<string, string[]> = {
  'AWS::S3::Bucket': [
    'AccelerateConfiguration', 'AccessControl', 'AnalyticsConfigurations', 'BucketEncryption', 'BucketName',
    'CorsConfiguration', 'IntelligentTieringConfigurations', 'InventoryConfigurations', 'LifecycleConfiguration',
    'LoggingConfiguration', 'MetricsConfigurations', 'NotificationConfiguration', 'ObjectLockConfiguration',
    'ObjectLockEnabled', 'OwnershipControls', 'PublicAccessBlockConfiguration', 'ReplicationConfiguration', 'Tags',
    'VersioningConfiguration', 'WebsiteConfiguration',
  ],
  'AWS::S3::BucketPolicy': ['Bucket', 'PolicyDocument'],
  'AWS::IAM::Role': ['AssumeRolePolicyDocument', 'Description', 'ManagedPolicyArns', 'MaxSessionDuration', 'Path', 'PermissionsBoundary', 'Policies', 'RoleName', 'Tags'],
  'AWS::IAM::ManagedPolicy': ['Description', 'Groups', 'ManagedPolicyName', 'Path', 'PolicyDocument', 'Roles', 'Users'],
  'AWS::IAM::InstanceProfile': ['InstanceProfileName', 'Path', 'Roles'],
  'AWS::KMS::Key': ['BypassPolicyLockoutSafetyCheck', 'Description', 'Enabled', 'EnableKeyRotation', 'KeyPolicy', 'KeySpec', 'KeyUsage', 'MultiRegion', 'Origin', 'PendingWindowInDays', 'RotationPeriodInDays', 'Tags'],
};
const ATTRIBUTES: Record<string, string[]> = {
  'AWS::S3::Bucket': ['Arn', 'DomainName', 'DualStackDomainName', 'RegionalDomainName', 'WebsiteURL'],
  'AWS::IAM::Role': ['Arn', 'RoleId'],
  'AWS::IAM::InstanceProfile': ['Arn'],
  'AWS::KMS::Key': ['Arn', 'KeyId'],
};
const RESOURCE_KEYS = ['Type', 'Properties', 'Condition', 'DependsOn', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata'];

/** Render with placeholders that match the standalone policies in deploy/iam/. */
function render(parameters: Record<string, string | string[]>): Renderer {
  return new Renderer(template, {
    parameters: { Prefix: 'PREFIX', ...parameters },
    pseudo: { 'AWS::Partition': 'aws', 'AWS::Region': 'REGION', 'AWS::AccountId': '123456789012', 'AWS::StackName': 'stack' },
    resourceRef: (id) => ({ RecordingsBucket: 'BUCKET', AuditorPolicy: 'arn:aws:iam::123456789012:policy/auditor' } as Record<string, string>)[id] ?? `<${id}>`,
    getAtt: (id, attr) => {
      if (id === 'RecordingsBucket' && attr === 'Arn') return 'arn:aws:s3:::BUCKET';
      if (id === 'RecordingsKey' && attr === 'Arn') return 'CREATED_KEY_ARN';
      return `<${id}.${attr}>`;
    },
  });
}

const VARIANTS = [
  { name: 'SSE-S3', parameters: { Encryption: 'SSE-S3' }, kms: undefined },
  { name: 'SSE-KMS with a key made by the stack', parameters: { Encryption: 'SSE-KMS', KmsKeyArn: '' }, kms: 'CREATED_KEY_ARN' },
  { name: 'SSE-KMS with a given key', parameters: { Encryption: 'SSE-KMS', KmsKeyArn: 'KMS_KEY_ARN' }, kms: 'KMS_KEY_ARN' },
] as const;

const policyOf = (r: Renderer, id: string) => r.resource(id)!.PolicyDocument as unknown as PolicyDocument;
const actionsOf = (p: PolicyDocument) => p.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

describe('deploy/cloudformation/bucket.json: structure', () => {
  const references = collectReferences(template as unknown as Json);

  test('every Ref, Fn::GetAtt, ${} and Condition names something declared', () => {
    const problems: string[] = [];
    for (const ref of references) {
      const resource = template.Resources[ref.name];
      if (ref.kind === 'Condition' && !(ref.name in template.Conditions)) problems.push(`${ref.path}: condition ${ref.name}`);
      if (ref.kind === 'Ref' && !(ref.name in template.Parameters) && !resource && !PSEUDO_PARAMETERS.includes(ref.name)) {
        problems.push(`${ref.path}: Ref ${ref.name}`);
      }
      if (ref.kind === 'GetAtt' && !(resource && ATTRIBUTES[resource.Type]?.includes(ref.attribute!))) {
        problems.push(`${ref.path}: GetAtt ${ref.name}.${ref.attribute}`);
      }
    }
    expect(problems).toEqual([]);
    expect(references.length).toBeGreaterThan(20);
  });

  test('every parameter and condition is used', () => {
    const used = new Set(references.map((r) => r.name));
    expect(Object.keys(template.Parameters).filter((p) => !used.has(p))).toEqual([]);
    expect(Object.keys(template.Conditions).filter((c) => !used.has(c))).toEqual([]);
  });

  test('resources use known types, known properties and known resource keys', () => {
    for (const [id, r] of Object.entries(template.Resources)) {
      expect([id, Object.keys(PROPERTIES)]).toEqual([id, expect.arrayContaining([r.Type])]);
      expect([id, Object.keys(r).filter((k) => !RESOURCE_KEYS.includes(k))]).toEqual([id, []]);
      expect([id, Object.keys(r.Properties ?? {}).filter((k) => !PROPERTIES[r.Type]!.includes(k))]).toEqual([id, []]);
    }
  });

  test('the prefix pattern refuses what would widen or confuse the IAM resource', () => {
    const pattern = new RegExp(String(template.Parameters.Prefix!.AllowedPattern));
    for (const ok of ['', 'recordings/', 'a/b/', 'org-1/appstream_2/']) expect([ok, pattern.test(ok)]).toEqual([ok, true]);
    for (const bad of ['recordings', '/recordings/', '*/', 'a*/', 'a//', '../', 'a/../', './', 'a b/', 'a?/']) {
      expect([bad, pattern.test(bad)]).toEqual([bad, false]);
    }
  });
});

describe.each(VARIANTS)('deploy/cloudformation/bucket.json rendered: $name', ({ parameters, kms }) => {
  const r = render(parameters);
  const bucket = r.resource('RecordingsBucket')!;

  test('public access is fully blocked and objects belong to the bucket owner', () => {
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  test('versioning is on, and incomplete multipart uploads are aborted after the configured days', () => {
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const rules = (bucket.LifecycleConfiguration as JsonObject).Rules as JsonObject[];
    const abort = rules.filter((rule) => rule.Status === 'Enabled' && rule.AbortIncompleteMultipartUpload);
    expect(abort).toHaveLength(1);
    expect(abort[0]!.AbortIncompleteMultipartUpload).toEqual({ DaysAfterInitiation: 7 });
    expect(abort[0]!.Prefix ?? abort[0]!.Filter).toBeUndefined(); // the whole bucket
  });

  test('default encryption follows the parameter', () => {
    const sse = ((bucket.BucketEncryption as JsonObject).ServerSideEncryptionConfiguration as JsonObject[])[0]!;
    expect(sse.ServerSideEncryptionByDefault).toEqual(kms ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kms } : { SSEAlgorithm: 'AES256' });
    expect(r.resource('RecordingsKey') !== undefined).toBe(kms === 'CREATED_KEY_ARN');
  });

  test('the bucket policy refuses every request without TLS, on the bucket and its objects', () => {
    const deny = policyOf(r, 'RecordingsBucketPolicy').Statement.find((s) => s.Sid === 'DenyWithoutTls')!;
    expect(deny).toMatchObject({
      Effect: 'Deny', Principal: '*', Action: 's3:*',
      Resource: ['arn:aws:s3:::BUCKET', 'arn:aws:s3:::BUCKET/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  test('the recorder role grants PutObject and AbortMultipartUpload on the prefix only (and the KMS data key with SSE-KMS)', () => {
    const policy = policyOf(r, 'RecorderPolicy');
    expect(actionsOf(policy)).toEqual(
      (kms ? ['kms:Decrypt', 'kms:GenerateDataKey'] : []).concat(['s3:AbortMultipartUpload', 's3:PutObject']).sort(),
    );
    expect(policy.Statement.every((s) => s.Effect === 'Allow' && !String(s.Action).includes('*'))).toBe(true);
    const s3 = policy.Statement.filter((s) => actionsOf({ Version: '', Statement: [s] }).some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => s.Resource)).toEqual(['arn:aws:s3:::BUCKET/PREFIX*']);
    if (kms) {
      const k = policy.Statement.find((s) => s.Sid === 'EncryptRecordingsThroughS3')!;
      expect(k.Resource).toBe(kms);
      expect(k.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.REGION.amazonaws.com' } });
    }
    // What that means, request by request.
    expect(allows(policy, 's3:PutObject', 'arn:aws:s3:::BUCKET/PREFIXstack/fleet/session/manifest.json')).toBe(true);
    expect(allows(policy, 's3:AbortMultipartUpload', 'arn:aws:s3:::BUCKET/PREFIXs/f/x/1-video.mp4')).toBe(true);
    for (const [action, resource] of [
      ['s3:PutObject', 'arn:aws:s3:::BUCKET/elsewhere/x'], ['s3:PutObject', 'arn:aws:s3:::OTHER/PREFIXx'],
      ['s3:GetObject', 'arn:aws:s3:::BUCKET/PREFIXx'], ['s3:DeleteObject', 'arn:aws:s3:::BUCKET/PREFIXx'],
      ['s3:DeleteObjectVersion', 'arn:aws:s3:::BUCKET/PREFIXx'], ['s3:ListBucket', 'arn:aws:s3:::BUCKET'],
      ['s3:PutObjectRetention', 'arn:aws:s3:::BUCKET/PREFIXx'], ['s3:PutBucketPolicy', 'arn:aws:s3:::BUCKET'],
      ['kms:Encrypt', kms ?? '*'], ['kms:CreateGrant', kms ?? '*'],
    ] as const) {
      expect([action, resource, allows(policy, action, resource)]).toEqual([action, resource, false]);
    }
  });

  test('the role is assumed only by the configured services, carries only the recorder policy, and backs the instance profile', () => {
    const role = r.resource('RecorderRole')!;
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: ['appstream.amazonaws.com', 'ec2.amazonaws.com'] }, Action: 'sts:AssumeRole' }],
    });
    expect(role.Policies).toBeUndefined();
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(r.resource('RecorderPolicy')!.Roles).toEqual(['<RecorderRole>']);
    expect(r.resource('RecorderInstanceProfile')!.Roles).toEqual(['<RecorderRole>']);
    const attachedToRole = Object.keys(template.Resources).filter((id) => {
      const props = r.resource(id);
      return props && JSON.stringify(props.Roles ?? []).includes('<RecorderRole>') && template.Resources[id]!.Type === 'AWS::IAM::ManagedPolicy';
    });
    expect(attachedToRole).toEqual(['RecorderPolicy']);
  });

  test('the auditor policy reads and lists under the prefix, and writes nothing', () => {
    const policy = policyOf(r, 'AuditorPolicy');
    expect(allows(policy, 's3:GetObject', 'arn:aws:s3:::BUCKET/PREFIXs/f/x/manifest.json')).toBe(true);
    expect(allows(policy, 's3:GetObject', 'arn:aws:s3:::BUCKET/other')).toBe(false);
    for (const a of ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:BypassGovernanceRetention', 's3:PutBucketPolicy']) {
      expect([a, allows(policy, a, 'arn:aws:s3:::BUCKET/PREFIXx') || allows(policy, a, 'arn:aws:s3:::BUCKET')]).toEqual([a, false]);
    }
    const list = policy.Statement.find((s) => s.Sid === 'ListRecordingsUnderThePrefix')!;
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['PREFIX*'] } });
    expect(actionsOf(policy).filter((a) => a.startsWith('kms:'))).toEqual(kms ? ['kms:Decrypt'] : []);
  });

  test('the standalone policies in deploy/iam are the ones the template makes', () => {
    if (kms === 'CREATED_KEY_ARN') return; // the standalone files use a KMS_KEY_ARN placeholder
    const suffix = kms ? '-kms' : '';
    expect(policyOf(r, 'RecorderPolicy')).toEqual(readJson(`deploy/iam/recorder-policy${suffix}.json`));
    expect(policyOf(r, 'AuditorPolicy')).toEqual(readJson(`deploy/iam/auditor-policy${suffix}.json`));
    expect(r.resource('RecorderRole')!.AssumeRolePolicyDocument).toEqual(readJson('deploy/iam/recorder-trust-policy.json'));
  });
});

describe('deploy/cloudformation/bucket.json rendered: Object Lock', () => {
  test('off by default: no lock configuration, bucket created without it', () => {
    const bucket = render({}).resource('RecordingsBucket')!;
    expect(bucket.ObjectLockEnabled).toBeUndefined();
    expect(bucket.ObjectLockConfiguration).toBeUndefined();
  });

  test.each(['GOVERNANCE', 'COMPLIANCE'])('%s: default retention on every new object version', (mode) => {
    const bucket = render({ ObjectLockMode: mode }).resource('RecordingsBucket')!;
    expect(bucket.ObjectLockEnabled).toBe(true);
    expect(bucket.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: mode, Days: 365 } } });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('outputs give the destination URL for the recorder', () => {
    expect(render({}).value(template.Outputs.Destination!.Value!)).toBe('s3://BUCKET/PREFIX');
  });
});
