import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fill, mountLoopExt4, mountSupport, mountTmpfs } from './support/disk/mounts';
import { readStoreFile, summarise } from './support/faults/verify';
import { buildWorkload, graphBatch, WorkItem } from './support/faults/workload';
import { eventually, ServiceProcess, spawnService, waitReady } from './support/service-process';

/**
 * The machine's faults under the running service, on real file systems: a store on a tmpfs that
 * fills up, and on an ext4 loop device that is shut down mid-run (EIO on every I/O, as a dying
 * disk). The answer must be 503 with Retry-After (never 500, never 202), readiness must go down,
 * nothing acknowledged may be lost, and a disk with space again must take writes at once.
 */

interface Reply {
  readonly item: WorkItem;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: { accepted?: number; duplicates?: number; error?: string };
}

const post = async (service: ServiceProcess, item: WorkItem): Promise<Reply> => {
  const response = await fetch(`${service.base}/api/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(graphBatch([item])),
    signal: AbortSignal.timeout(20_000),
  });
  return {
    item,
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Reply['body'],
  };
};

const readyStatus = async (service: ServiceProcess): Promise<number> =>
  (await fetch(`${service.base}/health/ready`, { signal: AbortSignal.timeout(10_000) })).status;

const storedTags = async (storePath: string) => summarise(await readStoreFile(storePath)).tagCounts;

const unsupported = mountSupport();

if (unsupported) {
  process.stderr.write(`disk fault tests skipped: ${unsupported}\n`);
  describe.skip(`disk faults (skipped: ${unsupported})`, () => {
    it('answers a full or failing disk with 503', () => undefined);
  });
} else {
  describe('disk faults under the running service', () => {
    let root: string;
    let service: ServiceProcess | undefined;

    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'disk-faults-'));
    });
    afterEach(async () => {
      await service?.kill();
      service = undefined;
      rmSync(root, { recursive: true, force: true });
    });

    it('answers a full disk with 503 + Retry-After, goes unready, and takes writes again once space is back', async () => {
      const disk = mountTmpfs(join(root, 'store'), '2m');
      try {
        const storePath = join(disk.dir, 'events.db');
        service = await spawnService('full-disk', {
          STORE_PATH: storePath,
          READ_MODEL_PATH: join(root, 'read-model.db'),
        });
        await waitReady(service);
        const items = buildWorkload(60).flatMap((call) => call.items);
        const before = await post(service, items[0]);
        expect(before.status).toBe(202);

        const filler = fill(disk.dir);
        // The WAL may still have room for a few commits; keep sending until the disk says no.
        const replies: Reply[] = [];
        for (const item of items.slice(1)) {
          const reply = await post(service, item);
          replies.push(reply);
          if (reply.status !== 202) break;
        }
        const refused = replies.filter((r) => r.status !== 202);
        expect(refused.map((r) => r.status)).toEqual([503]);
        expect(refused[0].retryAfter).toMatch(/^\d+$/);
        expect(refused[0].body.error).toBe('store_unavailable');
        expect(service.output()).toMatch(/SQLITE_FULL|database or disk is full/);
        expect(await readyStatus(service)).toBe(503);

        rmSync(filler);
        await eventually(
          'ready again',
          () => readyStatus(service!),
          (s) => s === 200,
          15_000,
        );
        const redelivered = await post(service, refused[0].item);
        expect(redelivered.status).toBe(202);
        expect(redelivered.body).toMatchObject({ accepted: 1, duplicates: 0 });

        expect(await service.stop()).toBe(0);
        const acked = [before, ...replies.filter((r) => r.status === 202), redelivered];
        const tags = await storedTags(storePath);
        for (const reply of acked) expect(tags.get(reply.item.tag)).toBe(1);
        expect(tags.size).toBe(acked.length);
      } finally {
        await service?.kill();
        disk.unmount();
      }
    }, 90_000);

    it('answers a failing disk (I/O errors) with 503 + Retry-After and goes unready; what was acknowledged survives', async () => {
      const disk = mountLoopExt4(join(root, 'disk.img'), join(root, 'store'), 32);
      let unmounted = false;
      try {
        const storePath = join(disk.dir, 'events.db');
        service = await spawnService('failing-disk', {
          STORE_PATH: storePath,
          READ_MODEL_PATH: join(root, 'read-model.db'),
        });
        await waitReady(service);
        const items = buildWorkload(3).flatMap((call) => call.items);
        const acked: Reply[] = [];
        for (const item of items.slice(0, 8)) acked.push(await post(service, item));
        expect(acked.map((r) => r.status)).toEqual(Array(8).fill(202));

        disk.shutdown();
        const after = await Promise.all(items.slice(8, 12).map((item) => post(service!, item)));
        expect(after.map((r) => r.status)).toEqual([503, 503, 503, 503]);
        for (const reply of after) expect(reply.retryAfter).toMatch(/^\d+$/);
        // SQLite names a read that fails with EIO by what it found: an I/O error, or (for a page it
        // could not read) a malformed image or "not a database". Each is logged as its cause.
        expect(service.output()).toMatch(
          /store unavailable: .*(disk I\/O error|database disk image is malformed|file is not a database)/,
        );
        expect(await readyStatus(service)).toBe(503);

        await service.kill();
        disk.unmount();
        unmounted = true;
        const again = disk.remount(join(root, 'again'));
        try {
          const tags = await storedTags(join(again.dir, 'events.db'));
          for (const reply of acked) expect(tags.get(reply.item.tag)).toBe(1);
          for (const reply of after) expect(tags.has(reply.item.tag)).toBe(false);
        } finally {
          again.unmount();
        }
      } finally {
        await service?.kill();
        if (!unmounted) disk.unmount();
      }
    }, 90_000);
  });
}
