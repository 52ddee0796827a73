/** ARNs and partitions. Pure: no I/O. */

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

/** The partition a region belongs to; ARNs in that region must name it. */
export function partitionForRegion(region: string): Partition {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export function accountRootArn(partition: Partition, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

export function roleArn(partition: Partition, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

export function userArn(partition: Partition, accountId: string, userName: string): string {
  return `arn:${partition}:iam::${accountId}:user/${userName}`;
}

export function managedPolicyArn(partition: Partition, accountId: string, policyName: string): string {
  return `arn:${partition}:iam::${accountId}:policy/${policyName}`;
}

export function bucketArn(partition: Partition, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/** Every object in the bucket: the one wildcard the task needs. */
export function bucketObjectsArn(partition: Partition, bucket: string): string {
  return `${bucketArn(partition, bucket)}/*`;
}

export interface ParsedRoleArn {
  partition: Partition;
  accountId: string;
  /** Path and name as they appear after `role/`, e.g. `team/StageRole`. */
  roleName: string;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(.+)$/;

export function parseRoleArn(arn: string): ParsedRoleArn | undefined {
  const match = ROLE_ARN.exec(arn);
  if (!match) return undefined;
  return { partition: match[1] as Partition, accountId: match[2]!, roleName: match[3]! };
}

const KEY_ARN = /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\d{12}):key\/([0-9a-zA-Z-]+)$/;

/** A KMS key ARN's parts; undefined for anything else (an alias, a key ID). */
export function parseKeyArn(arn: string): { partition: Partition; region: string; accountId: string; keyId: string } | undefined {
  const match = KEY_ARN.exec(arn);
  if (!match) return undefined;
  return { partition: match[1] as Partition, region: match[2]!, accountId: match[3]!, keyId: match[4]! };
}
