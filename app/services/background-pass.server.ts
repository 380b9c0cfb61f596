/**
 * A background job's timed pass: an unref'd interval (it never keeps the process alive), a pass
 * still running when the next is due is skipped, and a pass that fails (the database
 * unreachable, say) is logged and the next one tries again — never an unhandled rejection,
 * which would end the server.
 */
export function startTimedPasses(options: { everyMs: number; pass: () => Promise<unknown>; failure: string; runNow?: boolean; onError?: (error: unknown) => void }): NodeJS.Timeout {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await options.pass();
    } catch (error) {
      (options.onError ?? ((e) => console.error(options.failure, e)))(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), options.everyMs);
  timer.unref();
  if (options.runNow) void run();
  return timer;
}
