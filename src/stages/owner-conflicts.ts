/**
 * Words for setup's takeover refusal: whose each resource is, and the way out that can be
 * followed. A setup xacct remembers is torn down by name; a tag naming a setup xacct does not
 * remember outlived it, and only removing that tag frees the resource. Pure.
 */
import type { Tag } from "@aws-sdk/client-iam";
import { displayShellWord } from "../shell-words.js";

export interface OwnerConflict {
  /** e.g. `bucket alpha`. */
  what: string;
  /** The setup its xacct tag names; absent when xacct did not make it at all. */
  owner?: string;
  remembered?: boolean;
  /** The command that removes xacct's tags from it, when that frees it. */
  untag?: string | undefined;
}

/** The tags xacct puts on what it makes (plan.ts's xacctTags). */
const XACCT_TAG_KEYS = ["managed-by", "xacct:setup"];

export function describeConflict(conflict: OwnerConflict): string {
  if (conflict.owner === undefined) return `${conflict.what} exists and was not made by xacct`;
  const owner = conflict.owner === "" ? "an earlier xacct setup" : `xacct setup ${conflict.owner}`;
  return `${conflict.what} belongs to ${owner}${conflict.remembered ? "" : ", which xacct does not remember"}`;
}

export function conflictHint(conflicts: readonly OwnerConflict[]): string {
  const names = "Choose other names (--role-name, --policy-name, --bucket)";
  const teardowns = [...new Set(conflicts.filter((c) => c.remembered && c.owner).map((c) => `xacct teardown --setup ${displayShellWord(c.owner!)}`))];
  const untags = conflicts.filter((c) => c.owner !== undefined && !c.remembered && c.untag !== undefined).map((c) => c.untag!);
  const ways = [
    ...(teardowns.length > 0 ? [`tear the other setup down first (${teardowns.join("; ")})`] : []),
    ...(untags.length > 0 ? [`if that setup is gone, remove its tags (${untags.join("; ")})`] : []),
  ];
  return ways.length === 0 ? `${names}.` : `${names}, or ${ways.join(", or ")}.`;
}

/** S3 tags go as a whole set: the bucket's other tags are written back, or the set is deleted when none are left. */
export function untagBucketCommand(bucket: string, tags: readonly Tag[], profile: string): string {
  const rest = tags.filter((t) => !XACCT_TAG_KEYS.includes(t.Key ?? "")).map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" }));
  const where = `--bucket ${displayShellWord(bucket)}`;
  const as = `--profile ${displayShellWord(profile)}`;
  if (rest.length === 0) return `aws s3api delete-bucket-tagging ${where} ${as}`;
  return `aws s3api put-bucket-tagging ${where} --tagging ${displayShellWord(JSON.stringify({ TagSet: rest }))} ${as}`;
}
