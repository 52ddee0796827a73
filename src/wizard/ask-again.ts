/**
 * An answer is never lost: a refused answer (a profile of the wrong account, a bucket another
 * account owns, a typo) is shown with its reason and the same question is asked again at once,
 * not after the next question and not by exiting. A value from a flag was not asked, so its
 * refusal stands (one sentence, exit 2).
 */
import { XacctError } from "../errors.js";

export interface AskAgain {
  /** The question was asked (no flag answered it), so it can be asked again. */
  asked: boolean;
  /** Shows why the answer was refused. */
  refused: (error: XacctError) => void;
}

export async function askUntilAccepted<T>(ask: () => Promise<T>, accept: (answer: T) => Promise<unknown> | unknown, how: AskAgain): Promise<T> {
  for (;;) {
    const answer = await ask();
    try {
      await accept(answer);
      return answer;
    } catch (error) {
      if (!how.asked || !(error instanceof XacctError)) throw error;
      how.refused(error);
    }
  }
}
