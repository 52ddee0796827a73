/**
 * Independent reads sent together, answered as if sent one after another: every result in
 * order, or the first failure in order (not the first to arrive), so what a failed command
 * says does not depend on which answer came back first.
 */
export async function allInOrder<T extends readonly unknown[]>(reads: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(reads);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
