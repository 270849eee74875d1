/** Waiting helpers of the core-overhead bench: a plain sleep and a wait that gives up. */

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects when `p` has not settled within `ms`, so a stuck bench fails instead of hanging. */
export async function withTimeout<T>(what: string, p: Promise<T>, ms = 120_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}
