/** Discovering who a profile is: account ID, ARN and the S3 canonical user ID. */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import type { AwsClients } from "./clients.js";
import { withAwsContext } from "./errors.js";

export interface CallerIdentity {
  accountId: string;
  arn: string;
}

export async function getCallerIdentity(clients: AwsClients, profile: string | undefined): Promise<CallerIdentity> {
  const out = await withAwsContext({ action: `identifying ${profile ? `profile ${profile}` : "the caller"}`, profile }, () =>
    clients.sts.send(new GetCallerIdentityCommand({})),
  );
  return { accountId: out.Account ?? "", arn: out.Arn ?? "" };
}

export interface S3Owner {
  canonicalUserId: string | undefined;
  /** Buckets this account owns, so setup knows "reuse" from "create" without another call. */
  ownedBuckets: Set<string>;
}

export async function getS3Owner(clients: AwsClients, profile: string | undefined): Promise<S3Owner> {
  const ownedBuckets = new Set<string>();
  let canonicalUserId: string | undefined;
  let token: string | undefined;
  do {
    const page = await withAwsContext({ action: "listing the Production account's buckets", profile }, () =>
      clients.s3.send(new ListBucketsCommand({ ContinuationToken: token })),
    );
    canonicalUserId ??= page.Owner?.ID;
    for (const bucket of page.Buckets ?? []) if (bucket.Name) ownedBuckets.add(bucket.Name);
    token = page.ContinuationToken;
  } while (token);
  return { canonicalUserId, ownedBuckets };
}
