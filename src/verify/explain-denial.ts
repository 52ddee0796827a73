/**
 * AWS says only "AccessDenied". When xacct knows the setup behind a denied call, it reads the
 * documents on the path and names the hop and statement that most likely refused it. The
 * analysis (IAM reads, the evaluator) loads only after a denial, keeping start-up small.
 */
import { XacctError } from "../errors.js";
import type { CommandContext } from "../commands/context.js";

/**
 * Runs `call`; an AccessDenied from it comes back with the likely cause in its hint, when the
 * call concerns the remembered setup (`about`: its role ARN or its bucket).
 */
export async function explainingDenials<T>(ctx: CommandContext, kind: "assume" | "read", about: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof XacctError) || error.awsCode !== "AccessDenied") throw error;
    // The explanation is extra: if working it out fails, say so rather than drop it silently.
    const cause = await import("./likely-cause.js")
      .then(({ likelyCause }) => likelyCause(ctx, kind, about))
      .catch(
        (failure: unknown) =>
          `xacct could not work out the likely cause (${failure instanceof Error ? failure.message : String(failure)}); \`xacct verify\` shows each check.`,
      );
    if (!cause) throw error;
    throw new XacctError(error.message, { hint: `${cause} ${error.hint ?? ""}`.trim(), awsCode: "AccessDenied", exitCode: error.exitCode, cause: error });
  }
}
