/** Driving the wizard's real prompts on @inquirer/testing's virtual screen. */
import { screen } from "@inquirer/testing/vitest";

/** Waits until the current prompt shows `text`, then returns the screen. */
export async function promptShowing(text: string, waitMs = 20_000): Promise<string> {
  return screenWhere((shown) => flat(shown).includes(text), JSON.stringify(text), waitMs);
}

/** A question broken between words on a narrow terminal still reads as the same words. */
function flat(shown: string): string {
  return shown.replace(/\s+/g, " ");
}

/** Waits until the prompt showing `text` is asked again: the screen shows it without the refused answer. */
export async function askedAgain(text: string, refused: string, waitMs = 20_000): Promise<string> {
  return screenWhere((shown) => flat(shown).includes(text) && !shown.includes(refused), `${JSON.stringify(text)} again`, waitMs);
}

/** Waits until a select prompt answered a moment ago (showing `text`) is open again. */
export async function selectAskedAgain(text: string, waitMs = 20_000): Promise<string> {
  const open = (shown: string) => shown.includes(text) && shown.includes("navigate");
  await screenWhere((shown) => !open(shown), `${JSON.stringify(text)} answered`, waitMs);
  return screenWhere(open, `${JSON.stringify(text)} again`, waitMs);
}

async function screenWhere(wanted: (shown: string) => boolean, text: string, waitMs: number): Promise<string> {
  const deadline = Date.now() + waitMs;
  while (!wanted(screen.getScreen())) {
    const left = deadline - Date.now();
    // A prompt that never comes fails with what the screen shows instead.
    const timedOut = await Promise.race([
      screen.next().then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), Math.max(0, left))),
    ]);
    if (timedOut) throw new Error(`No prompt showing ${text} within ${waitMs} ms; the screen shows:\n${screen.getScreen()}`);
  }
  return screen.getScreen();
}

/** Waits for the prompt showing `text`, types `typed` (if any) and presses Enter. */
export async function answer(text: string, typed = ""): Promise<string> {
  const shown = await promptShowing(text);
  if (typed) screen.type(typed);
  screen.keypress("enter");
  return shown;
}

/** Clears what the input prompt holds (its default or an earlier answer). */
export function clearInput(): void {
  screen.keypress({ name: "u", ctrl: true });
  for (let i = 0; i < 64; i++) screen.keypress("backspace");
}

export { screen };
