/**
 * Child process for the crash test: appends forever, keeping many appends in flight, and prints
 * `ack <stream> <eventId>` for each append the store has acknowledged. The parent SIGKILLs it at
 * an arbitrary moment and checks that every acknowledged event is in the file.
 */
import { randomUUID } from 'node:crypto';
import { ANY } from '../port/event-store.port';
import { EmbeddedEventStore } from '../embedded/embedded-event-store';

const store = EmbeddedEventStore.open({ path: process.argv[2] });
const inFlight = 16;

const loop = async (worker: number): Promise<void> => {
  for (let n = 0; ; n++) {
    const stream = `crash-${worker}-${n % 7}`;
    const id = randomUUID();
    await store.appendToStream(stream, [{ id, type: 'Crashed', data: { worker, n } }], ANY);
    process.stdout.write(`ack ${stream} ${id}\n`);
  }
};

for (let w = 0; w < inFlight; w++) void loop(w);
