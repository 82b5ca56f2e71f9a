import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';

/** Someone else holds the read model in a way that excludes what was asked for. */
export class ReadModelLocked extends Error {
  override readonly name = 'ReadModelLocked';
  constructor(
    readonly lockPath: string,
    readonly heldBy: 'service' | 'rebuild',
  ) {
    super(
      heldBy === 'service'
        ? `a running service holds the read model (lock ${lockPath})`
        : `the read model is being rebuilt by another process (lock ${lockPath})`,
    );
  }
}

/** The file beside the read model whose lock says who uses it. */
export const readModelLockPath = (readModelPath: string): string => `${readModelPath}.lock`;

const isBusy = (error: unknown): boolean =>
  /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i.test(
    `${(error as { code?: string })?.code ?? ''} ${(error as Error)?.message ?? ''}`,
  );

/** A read transaction holds SHARED until it ends. */
const takeShared = (db: Database.Database): void => {
  db.exec('BEGIN');
  db.prepare('SELECT count(*) FROM sqlite_master').get();
};

/**
 * Ends the transaction, then closes: a close alone can leave the connection (and its lock) alive
 * until the statement that took the lock is garbage-collected.
 */
const end = (db: Database.Database): void => {
  if (!db.open) return;
  if (db.inTransaction) db.exec('ROLLBACK');
  db.close();
};

/**
 * Who may write a read model: services share it, a rebuild takes it alone. The lock is SQLite's
 * own file lock on an empty database beside the read model (POSIX advisory locks, through the
 * SQLite we already ship): a service keeps a read transaction open (a SHARED lock) for as long as
 * it runs; a rebuild takes an EXCLUSIVE one, which SQLite grants only while no one holds SHARED.
 * The kernel drops a process's locks when it ends, however it ends (SIGKILL, OOM, power), so no
 * lock outlives its holder: a pid file would, and its pid can be reused by an unrelated process.
 * Not for network file systems, whose locking SQLite itself does not trust.
 */
export class ReadModelLock {
  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {}

  /** For a running service: any number may share it, none while a rebuild holds it. */
  static share(readModelPath: string): ReadModelLock {
    const lock = ReadModelLock.take(readModelPath, takeShared);
    if (lock === undefined) throw new ReadModelLocked(readModelLockPath(readModelPath), 'rebuild');
    return lock;
  }

  /** For a rebuild: only while no service (and no other rebuild) holds it. */
  static takeAlone(readModelPath: string): ReadModelLock {
    const lock = ReadModelLock.take(readModelPath, (db) => db.exec('BEGIN EXCLUSIVE'));
    if (lock !== undefined) return lock;
    // Services share it, another rebuild holds it alone: asking for a share tells which.
    const probe = ReadModelLock.take(readModelPath, takeShared);
    probe?.release();
    throw new ReadModelLocked(readModelLockPath(readModelPath), probe ? 'service' : 'rebuild');
  }

  /** The lock, or undefined when someone holds it in a way that excludes this one. */
  private static take(
    readModelPath: string,
    lock: (db: Database.Database) => void,
  ): ReadModelLock | undefined {
    const path = readModelLockPath(readModelPath);
    mkdirSync(dirname(path), { recursive: true });
    // timeout 0: a held lock answers at once instead of being waited for.
    const db = new Database(path, { timeout: 0 });
    try {
      lock(db);
    } catch (error) {
      end(db);
      if (isBusy(error)) return undefined;
      throw error;
    }
    return new ReadModelLock(db, path);
  }

  release(): void {
    end(this.db);
  }
}
