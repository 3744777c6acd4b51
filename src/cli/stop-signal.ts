/**
 * Long CLI passes stop between items on Ctrl-C or SIGTERM (a job's child process is stopped so),
 * and resume where they stopped on the next run; a second Ctrl-C quits at once.
 */
/** Ctrl-C / SIGTERM ask the run to stop after the current batch (a second Ctrl-C quits at once). */
export function stopOnSignal(): { requested: () => boolean; dispose: () => void } {
  let requested = false;
  const onSignal = (): void => {
    if (requested) process.exit(130);
    requested = true;
    process.stderr.write('\nstopping after the current batch (press Ctrl-C again to quit now)...\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    requested: () => requested,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
