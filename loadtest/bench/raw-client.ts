/**
 * A minimal HTTP/1.1 and WebSocket client on raw TCP sockets, for the join benchmarks: a join's
 * requests cost the load generator several times less than with `fetch` and `ws` (no header
 * objects, no handshake key hashing, no per-frame events), so one load core can keep a server's
 * core busy with joins. It speaks only what those servers answer: responses with Content-Length,
 * unfragmented server frames. Client frames are masked with a zero key (valid, and free).
 */
import { connect, type Socket } from "node:net";

const HEADER_END = Buffer.from("\r\n\r\n");

export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Node's http server closes a keep-alive connection idle for 5 s; a request written as it does is
 * lost with the connection. A connection idle this long is not used again (undici does the same).
 */
const IDLE_REUSE_MS = 4_000;

/** Keep-alive connections to one server, one request at a time each. */
export class RawHttpPool {
  private readonly idle: Array<{ socket: Socket; since: number }> = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async post(path: string, headers: Record<string, string>, body: string): Promise<RawResponse> {
    const socket = this.reusable() ?? (await this.open());
    const payload = Buffer.from(body);
    let head = `POST ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nContent-Length: ${payload.length}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    socket.write(Buffer.concat([Buffer.from(head + "\r\n"), payload]));
    const answer = await readResponse(socket);
    if (answer.keepAlive && !socket.destroyed) this.idle.push({ socket, since: performance.now() });
    else socket.destroy();
    return answer;
  }

  close(): void {
    for (const { socket } of this.idle.splice(0)) socket.destroy();
  }

  /** The most recently used idle connection the server will not be closing; older ones are closed. */
  private reusable(): Socket | undefined {
    const oldest = performance.now() - IDLE_REUSE_MS;
    for (let entry = this.idle.pop(); entry; entry = this.idle.pop()) {
      if (!entry.socket.destroyed && entry.since > oldest) return entry.socket;
      entry.socket.destroy();
    }
    return undefined;
  }

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, this.host, () => resolve(socket));
      socket.setNoDelay(true);
      socket.once("error", reject);
      // an idle connection the server closes must not crash the client
      socket.on("error", () => socket.destroy());
    });
  }
}

function readResponse(socket: Socket): Promise<RawResponse & { keepAlive: boolean }> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf(HEADER_END);
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString("latin1");
      const headers: Record<string, string> = {};
      for (const line of head.split("\r\n").slice(1)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (buffered.length < end + 4 + length) return;
      socket.off("data", onData);
      socket.off("close", onClose);
      resolve({
        status: Number(head.slice(9, 12)),
        headers,
        body: buffered.subarray(end + 4, end + 4 + length).toString("utf8"),
        keepAlive: headers.connection?.toLowerCase() !== "close",
      });
    };
    const onClose = () => reject(new Error("connection closed before the response"));
    socket.on("data", onData);
    socket.once("close", onClose);
  });
}

/** A client WebSocket: `onFrame` gets each server frame's payload; `onClose` once it ends. */
export class RawWebSocket {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private upgraded = false;
  onFrame: (payload: Buffer) => void = () => {};
  onClose: () => void = () => {};

  constructor(host: string, port: number, path: string) {
    this.socket = connect(port, host, () => {
      this.socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
    });
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk: Buffer) => this.receive(chunk));
    this.socket.once("close", () => this.onClose());
    this.socket.on("error", () => this.socket.destroy());
  }

  /** A binary frame, masked with a zero key. */
  send(data: Uint8Array): void {
    const length = data.length;
    const header = length < 126 ? Buffer.from([0x82, 0x80 | length, 0, 0, 0, 0]) : Buffer.from([0x82, 0x80 | 126, length >> 8, length & 0xff, 0, 0, 0, 0]);
    this.socket.write(Buffer.concat([header, data]));
  }

  terminate(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (!this.upgraded) {
      const end = this.buffered.indexOf(HEADER_END);
      if (end < 0) return;
      if (this.buffered.subarray(9, 12).toString("latin1") !== "101") {
        this.socket.destroy();
        return;
      }
      this.upgraded = true;
      this.buffered = this.buffered.subarray(end + 4);
    }
    while (this.buffered.length >= 2) {
      const opcode = this.buffered[0]! & 0x0f;
      let length = this.buffered[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffered.length < 4) return;
        length = this.buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffered.length < 10) return;
        length = Number(this.buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffered.length < offset + length) return;
      const payload = this.buffered.subarray(offset, offset + length);
      this.buffered = this.buffered.subarray(offset + length);
      if (opcode === 0x8) {
        this.socket.destroy();
        return;
      }
      if (opcode === 0x1 || opcode === 0x2) this.onFrame(payload);
    }
  }
}
