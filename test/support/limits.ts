// The action limits count in fixed windows (a minute, an hour) on the database's clock. A test
// that counts what a window lets through must not straddle two windows: it first waits, when the
// current one ends too soon, for the next one to begin.

/** Waits until the current window of `spanSeconds` has at least `needSeconds` left. */
export async function roomInWindow(spanSeconds: number, needSeconds: number): Promise<void> {
  const span = spanSeconds * 1000;
  const left = span - (Date.now() % span);
  if (left >= needSeconds * 1000) return;
  // A little past the boundary: the database's clock is this machine's, read a moment later.
  await new Promise((resolve) => setTimeout(resolve, left + 250));
}
