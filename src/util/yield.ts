/**
 * Lets the event loop run (I/O, timers) in the middle of a long CPU-bound loop whose awaits all
 * resolve at once: a resolved promise only queues a microtask, so a loop of 3,253 exact searches
 * held a serving process off its sockets for the whole pairs computation (the server did not
 * even start listening while it warmed its pairs up).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Yields every `every` calls: cheap enough for tight loops. */
export function periodicYield(every = 4): () => Promise<void> {
  let n = 0;
  return () => (++n % every === 0 ? yieldToEventLoop() : Promise.resolve());
}
