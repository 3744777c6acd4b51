/** Times the stages of a long build (seconds per stage, to 0.1 ms), saying each as it starts. */
export function stageTimer(onStage?: (stage: string) => void): { seconds: Record<string, number>; time: <T>(name: string, fn: () => T | Promise<T>) => Promise<T> } {
  const seconds: Record<string, number> = {};
  const time = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    onStage?.(name);
    const t = performance.now();
    const out = await fn();
    seconds[name] = Math.round(((performance.now() - t) / 1000) * 1e4) / 1e4;
    return out;
  };
  return { seconds, time };
}
