/**
 * Whether a bucket name is free for Production to create. Bucket names are global: a name the
 * account does not own and HeadBucket does not answer 404 for (403 forbidden, 301 another
 * region, 200 shared with us) is another account's, and CreateBucket would fail. Found while
 * planning, so no write happens first.
 */
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import type { AwsClients } from "./clients.js";
import { isAwsError, toXacctError } from "./errors.js";

export async function bucketOwnedElsewhere(clients: AwsClients, bucket: string, ownedBuckets: ReadonlySet<string>, profile: string): Promise<boolean> {
  if (ownedBuckets.has(bucket)) return false;
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if (isAwsError(error, "NotFound", "NoSuchBucket")) return false;
    if (isAwsError(error, "AccessDenied", "Forbidden", "PermanentRedirect", "MovedPermanently", "301")) return true;
    if (httpStatus(error) === 403 || httpStatus(error) === 301) return true;
    throw toXacctError(error, { action: `checking whether the bucket name ${bucket} is free`, profile });
  }
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}
