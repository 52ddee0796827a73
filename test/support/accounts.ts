/** Direct SDK clients for the bootstrapped accounts, to look at what the CLI left behind. */
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import type { BootstrappedAccount } from "../../src/localaws/bootstrap.js";

export function clientsFor(endpoint: string, account: BootstrappedAccount): { iam: IAMClient; s3: S3Client } {
  const config = { endpoint, region: "us-east-1", credentials: account.accessKey };
  return { iam: new IAMClient(config), s3: new S3Client({ ...config, forcePathStyle: true }) };
}
