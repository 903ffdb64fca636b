/**
 * Wraps an async task so that calls while it runs collapse into one more run afterwards.
 * Bursts of events (one per imported photo) then cost at most two refreshes, never a pile-up,
 * and the last run always starts after the last call, so nothing is missed.
 */
export function coalesced(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async (): Promise<void> => {
    do {
      again = false;
      await task();
    } while (again);
    running = null;
  };
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = loop();
    return running;
  };
}
