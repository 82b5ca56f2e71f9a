import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { ReadModelStore } from './read-model.store';

const sqliteFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];

const fsyncPath = (path: string) => {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * A read model rebuilt beside the one it replaces (`<path>.rebuild`), written without journal or
 * fsync per batch, then made durable and renamed over it in one step: readers of the file see the
 * old read model or the new one, never half of it, and a rebuild that dies leaves the old one as
 * it was (the next rebuild starts the new file again).
 */
export class RebuildTarget {
  readonly store: ReadModelStore;
  private readonly building: string;

  constructor(readonly path: string) {
    this.building = `${path}.rebuild`;
    for (const file of sqliteFiles(this.building)) rmSync(file, { force: true });
    this.store = new ReadModelStore(this.building, true);
  }

  /** Durable, then in place of the old read model (whose WAL must not be applied to it). */
  finish(): void {
    this.store.close();
    fsyncPath(this.building);
    for (const file of sqliteFiles(this.path).slice(1)) rmSync(file, { force: true });
    renameSync(this.building, this.path);
    fsyncPath(dirname(this.path));
  }

  /** Gives up: the old read model stays. */
  abandon(): void {
    this.store.close();
    for (const file of sqliteFiles(this.building)) rmSync(file, { force: true });
  }
}
