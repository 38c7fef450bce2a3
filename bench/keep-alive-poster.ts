import net from 'node:net';

/**
 * POSTs over a pool of keep-alive sockets with as little work per request as autocannon
 * does (the request written as one buffer, the answer read only for its status and
 * length), because the load generator shares the machine's cores with what it measures.
 * One request per socket at a time; a send with no idle socket opens another.
 */
export class KeepAlivePoster {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly host: string;
  private readonly port: number;
  private readonly head: string;

  constructor(url: string) {
    const { hostname, port, pathname, search } = new URL(url);
    this.host = hostname;
    this.port = Number(port);
    this.head =
      `POST ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
      'Content-Type: application/json\r\nContent-Length: ';
  }

  /** Resolves with the answer's status; rejects if the socket fails or closes first. */
  async post(body: string): Promise<number> {
    const connection = this.reusable() ?? (await this.open());
    const bytes = Buffer.from(body);
    const status = await connection.send(
      Buffer.concat([Buffer.from(`${this.head}${bytes.length}\r\n\r\n`), bytes]),
    );
    connection.idleSince = performance.now();
    this.idle.push(connection);
    return status;
  }

  /**
   * The most recently used idle socket, skipping any the server may be closing right now
   * (Node closes keep-alive sockets idle for 5 s), which would fail the request sent on it.
   */
  private reusable(): Connection | undefined {
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (performance.now() - connection.idleSince < STALE_MS) return connection;
      connection.socket.destroy();
    }
    return undefined;
  }

  close(): void {
    for (const connection of this.all) connection.socket.destroy();
  }

  private async open(): Promise<Connection> {
    const socket = net.connect(this.port, this.host);
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const connection = new Connection(socket, () => this.forget(connection));
    this.all.add(connection);
    return connection;
  }

  private forget(connection: Connection) {
    this.all.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
  }
}

const HEADERS_END = Buffer.from('\r\n\r\n');
const STALE_MS = 4000;

class Connection {
  private pending?: { resolve: (status: number) => void; reject: (err: Error) => void };
  private buffered: Buffer = Buffer.alloc(0);
  idleSince = 0;

  constructor(
    readonly socket: net.Socket,
    onGone: () => void,
  ) {
    socket.on('data', (chunk) => this.receive(chunk));
    const fail = (err: Error) => {
      onGone();
      this.pending?.reject(err);
      this.pending = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  send(request: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(request);
    });
  }

  /** One whole answer (headers and a Content-Length body) settles the request in flight. */
  private receive(chunk: Buffer) {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const end = this.buffered.indexOf(HEADERS_END);
    if (end < 0) return;
    const head = this.buffered.subarray(0, end).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.socket.destroy(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`));
      return;
    }
    const total = end + HEADERS_END.length + Number(length[1]);
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(Number(head.slice(9, 12)));
  }
}
