/**
 * A minimal keep-alive HTTP/1.1 client over one socket, one request in flight at a time. The load
 * generator shares two cores with the server, so it must cost as little CPU per request as possible:
 * node:http's client costs several times more than writing a prebuilt request and reading the
 * status line and Content-Length of the answer.
 */
import { Socket, connect } from 'node:net';

export interface Reply {
  readonly status: number;
  readonly body: string;
}

export class HttpConnection {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private pending:
    | { resolve: (r: Reply) => void; reject: (e: Error) => void; headerEnd: number; length: number }
    | undefined;
  busy = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      if (this.socket === socket) this.socket = undefined;
      const p = this.pending;
      this.pending = undefined;
      this.buffer = Buffer.alloc(0);
      p?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    this.socket = socket;
    return socket;
  }

  /** Opens the socket now and resolves once it is connected. */
  connected(): Promise<void> {
    const socket = this.socket ?? this.open();
    if (!socket.connecting) return Promise.resolve();
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }

  /** Sends `head` + `body` (head ends with the blank line) and resolves with the answer. */
  request(head: string, body: string): Promise<Reply> {
    const socket = this.socket ?? this.open();
    this.busy = true;
    return new Promise<Reply>((resolve, reject) => {
      this.pending = { resolve, reject, headerEnd: -1, length: -1 };
      socket.write(head + body);
    }).finally(() => (this.busy = false));
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const p = this.pending;
    if (!p) return;
    if (p.headerEnd < 0) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('latin1');
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!m) {
        this.pending = undefined;
        p.reject(new Error(`answer without content-length: ${head.split('\r\n')[0]}`));
        this.socket?.destroy();
        return;
      }
      p.headerEnd = end + 4;
      p.length = Number(m[1]);
    }
    if (this.buffer.length < p.headerEnd + p.length) return;
    const status = Number(this.buffer.subarray(9, 12).toString('latin1'));
    const body = this.buffer.subarray(p.headerEnd, p.headerEnd + p.length).toString('utf8');
    this.buffer = this.buffer.subarray(p.headerEnd + p.length);
    this.pending = undefined;
    p.resolve({ status, body });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}

export const postHead = (host: string, port: number, path: string, length: number): string =>
  `POST ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\n` +
  `Content-Length: ${length}\r\n\r\n`;
