/**
 * Only one process may open a PGlite data directory: a second writer silently
 * loses its committed rows. The app and the Prisma CLI both take this lock
 * and refuse to start, naming the holder, while another live process has it.
 */
import fs from "node:fs";
import path from "node:path";

const LOCK_NAME = "peakguard.lock";

export class PGliteLockError extends Error {
  override name = "PGliteLockError";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Take the lock for `dataDir`; returns a release function. */
export function lockPGliteDir(dataDir: string, holder: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_NAME);
  const body = JSON.stringify({ pid: process.pid, holder, since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, body, { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener("exit", release);
        try {
          const current = JSON.parse(fs.readFileSync(file, "utf8")) as { pid?: number };
          if (current.pid === process.pid) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let current: { pid?: number; holder?: string; since?: string } = {};
      try {
        current = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch {
        // unreadable lock: treat as stale
      }
      if (current.pid && current.pid !== process.pid && isAlive(current.pid)) {
        throw new PGliteLockError(
          `The embedded database ${dataDir} is in use by ${current.holder ?? "another process"} ` +
            `(pid ${current.pid}, since ${current.since ?? "?"}). Stop it first: ` +
            `only one process may open a PGlite directory.`,
        );
      }
      fs.rmSync(file, { force: true }); // stale lock from a dead process
    }
  }
  throw new PGliteLockError(`Could not take the lock on ${dataDir}`);
}
