/**
 * The aws:SourceArn a service sends when it acts for another account's resource, built from
 * the patterns a policy's conditions name, so a pattern whose account part is a wildcard (or,
 * as S3's ARNs, missing) is seen to admit other accounts' resources. Pure.
 */
import type { PolicyStatement } from "../policy/documents.js";

/** Every value a statement's condition gives aws:SourceArn, under any operator. */
export function sourceArnPatterns(statements: PolicyStatement[]): string[] {
  const values = statements.flatMap((s) =>
    Object.values(s.Condition ?? {}).flatMap((keys) =>
      Object.entries(keys).flatMap(([key, value]) => (key.toLowerCase() === "aws:sourcearn" ? [value].flat().map(String) : [])),
    ),
  );
  return [...new Set(values)];
}

/**
 * A resource of `account` that a SourceArn pattern could name: the pattern with its account
 * part set to `account` and its wildcards filled. An ARN with no account part (S3's buckets)
 * names a resource of whichever account owns it, so it stands for any account's.
 */
export function sourceArnFor(pattern: string, account: string, region: string): string | undefined {
  const parts = pattern.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const fill = (part: string, filler: string) => part.replace(/\*/g, filler).replace(/\?/g, "x");
  const [, partition = "", service = "", arnRegion = "", owner = "", ...resource] = parts;
  return [
    "arn",
    fill(partition, "aws"),
    fill(service, "x"),
    fill(arnRegion, region),
    owner === "" ? "" : account,
    fill(resource.join(":"), "xacct-outsider"),
  ].join(":");
}

/** The made-up source ARN for a service of no shape a policy names, then one per pattern. */
export function sourceArnsFor(service: string, account: string, partition: string, region: string, patterns: string[]): string[] {
  const madeUp = `arn:${partition}:${service.split(".")[0]}:${region}:${account}:xacct-outsider`;
  return [...new Set([madeUp, ...patterns.flatMap((p) => [sourceArnFor(p, account, region) ?? []].flat())])];
}
