/**
 * The bucket policy spec/governance.md §G6 asks for on S3 servers that act on headers a request
 * did not sign (Ceph RGW): writes may not copy another object in (`x-amz-copy-source`) nor
 * give others read access (`x-amz-acl` with a public canned ACL, `x-amz-grant-*`). Floe sends
 * none of these, so the policy costs it nothing. Written for what RGW 16.2 honours: `StringLike
 * … "*"` for headers that are absent unless sent, `StringEquals` for `x-amz-acl` (which RGW
 * always sees, as `private` by default), and no `Null` operator (RGW reads it inverted).
 */

const ABSENT_UNLESS_SENT = ['s3:x-amz-copy-source', 's3:x-amz-grant-read', 's3:x-amz-grant-write', 's3:x-amz-grant-read-acp', 's3:x-amz-grant-write-acp', 's3:x-amz-grant-full-control'];
const PUBLIC_CANNED_ACLS = ['public-read', 'public-read-write', 'authenticated-read'];

/** The policy document for a bucket (one Deny statement per header). */
export function dataAccessBucketPolicy(bucket: string): { Version: string; Statement: unknown[] } {
  const deny = (sid: string, condition: unknown): unknown => ({ Sid: sid, Effect: 'Deny', Principal: '*', Action: ['s3:PutObject'], Resource: [`arn:aws:s3:::${bucket}/*`], Condition: condition });
  return {
    Version: '2012-10-17',
    Statement: [
      ...ABSENT_UNLESS_SENT.map((key) => deny(`FloeDeny-${key.slice(3)}`, { StringLike: { [key]: '*' } })),
      deny('FloeDeny-public-acl', { StringEquals: { 's3:x-amz-acl': PUBLIC_CANNED_ACLS } }),
    ],
  };
}
