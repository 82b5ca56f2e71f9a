import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real file systems that fill up or fail, for fault tests: a tmpfs of a given size, and an ext4
 * file system on a loop device that can be shut down (every later I/O gets EIO, as on a disk that
 * died). Both need root and a kernel that lets this container mount; `mountSupport()` says why not.
 */

const run = (command: string, args: readonly string[]): string =>
  execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Undefined when tmpfs and loop mounts work here, else the reason they do not. */
export const mountSupport = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'mounting needs root';
  const probe = mkdtempSync(join(tmpdir(), 'mount-probe-'));
  try {
    run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
    run('umount', [probe]);
    run('losetup', ['-f']);
    run('mkfs.ext4', ['-V']);
    return undefined;
  } catch (error) {
    return `cannot mount here: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
};

export interface Mounted {
  readonly dir: string;
  unmount(): void;
}

export const mountTmpfs = (dir: string, size: string): Mounted => {
  mkdirSync(dir, { recursive: true });
  run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  return { dir, unmount: () => run('umount', ['-l', dir]) };
};

/** Fills the file system holding `dir` with a file until writes fail with ENOSPC. */
export const fill = (dir: string, file = 'filler'): string => {
  const path = join(dir, file);
  try {
    run('dd', ['if=/dev/zero', `of=${path}`, 'bs=4k']);
  } catch {
    // dd stops with "No space left on device": that is the point
  }
  return path;
};

export interface LoopFs extends Mounted {
  /** Shuts the file system down: from now on every read and write on it fails with EIO. */
  shutdown(): void;
  /** Mounts the image again (journal replayed) at `dir`, to see what survived. */
  remount(dir: string): Mounted;
}

const mountImage = (image: string, dir: string): Mounted => {
  mkdirSync(dir, { recursive: true });
  const device = run('losetup', ['-f', '--show', image]);
  try {
    run('mount', [device, dir]);
  } catch (error) {
    run('losetup', ['-d', device]);
    throw error;
  }
  return {
    dir,
    unmount: () => {
      try {
        run('umount', ['-l', dir]);
      } finally {
        run('losetup', ['-d', device]);
      }
    },
  };
};

/** A fresh ext4 file system of `sizeMb` in `image` on a loop device, mounted at `dir`. */
export const mountLoopExt4 = (image: string, dir: string, sizeMb: number): LoopFs => {
  run('truncate', ['-s', `${sizeMb}M`, image]);
  run('mkfs.ext4', ['-q', '-F', image]);
  const mounted = mountImage(image, dir);
  return {
    ...mounted,
    remount: (again) => mountImage(image, again),
    // FS_IOC_SHUTDOWN (ext4 and xfs) with EXT4_GOING_FLAGS_NOLOGFLUSH: what a disk that stops
    // answering looks like to the processes using it. Python's fcntl is the shortest way to an
    // ioctl from here; python3 is on every machine this runs on.
    shutdown: () =>
      run('python3', [
        '-c',
        'import fcntl,os,struct,sys; fd=os.open(sys.argv[1], os.O_RDONLY); fcntl.ioctl(fd, 0x8004587D, struct.pack("I", 2))',
        dir,
      ]),
  };
};
