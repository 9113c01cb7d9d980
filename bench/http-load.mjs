// Closed-loop HTTP load generator for the latency benches: `clients` connections, each with one
// GET in flight at a time, through the list of URLs; prints one JSON line (latency p50 / p99 in ms,
// requests per second, CPU µs per request of this process). It runs as its own process, so it does
// not share the server's event loop, but it shares the machine's cores, and every microsecond it
// spends is one the server under test does not get.
//   raw (default): one keep-alive socket per client; the request line is written by hand and the
//     response read by its Content-Length (or chunked framing): about 25 µs per request here, the
//     way wrk and autocannon keep the load generator out of the measurement.
//   http: node:http with a keep-alive agent (about 100 µs per request);
//   fetch: undici's fetch (0.5-0.8 ms per request).
// Usage: node bench/http-load.mjs <file with {"urls":[...],"clients":16,"kind":"raw"}>
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

const { urls, clients, kind = 'raw' } = JSON.parse(readFileSync(process.argv[2], 'utf8'));

/** One persistent HTTP/1.1 connection that sends a GET and resolves with the status once the body is read. */
function rawConnection(origin) {
  const socket = net.connect(Number(origin.port), origin.hostname);
  socket.setNoDelay(true);
  let buffered = Buffer.alloc(0);
  let waiting;
  const failAll = (error) => {
    if (waiting) waiting.reject(error);
    waiting = undefined;
  };
  socket.on('error', failAll);
  socket.on('close', () => failAll(new Error('connection closed by the server')));
  socket.on('data', (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const done = complete(buffered);
    if (done === undefined) return;
    buffered = buffered.subarray(done.length);
    const w = waiting;
    waiting = undefined;
    w?.resolve(done.status);
  });
  const connected = new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return async (path) => {
    await connected;
    return new Promise((resolve, reject) => {
      waiting = { resolve, reject };
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${origin.host}\r\nAccept: application/fhir+json\r\n\r\n`);
    });
  };
}

/** The status and byte length of the first whole response in `bytes`, or undefined when more is to come. */
function complete(bytes) {
  const headerEnd = bytes.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const head = bytes.toString('latin1', 0, headerEnd);
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const total = headerEnd + 4 + Number(length[1]);
    return bytes.length >= total ? { status, length: total } : undefined;
  }
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) return { status, length: headerEnd + 4 };
  // Chunked: size line, data, CRLF ... until the zero-size chunk and the final CRLF.
  let at = headerEnd + 4;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(bytes.toString('latin1', at, lineEnd), 16);
    if (size === 0) {
      const end = bytes.indexOf('\r\n\r\n', lineEnd);
      return end < 0 ? undefined : { status, length: end + 4 };
    }
    at = lineEnd + 2 + size + 2;
    if (at > bytes.length) return undefined;
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const viaHttp = (url) =>
  new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      })
      .on('error', reject);
  });
const viaFetch = async (url) => {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
};

const origin = new URL(urls[0]);
const getter = () => {
  if (kind === 'http') return viaHttp;
  if (kind === 'fetch') return viaFetch;
  const send = rawConnection(origin);
  return (url) => send(url.slice(origin.origin.length));
};

const latencies = [];
let next = 0;
const cpu0 = process.cpuUsage();
const started = performance.now();
await Promise.all(
  Array.from({ length: clients }, async () => {
    const get = getter();
    while (next < urls.length) {
      const url = urls[next++];
      const t = performance.now();
      const status = await get(url);
      if (status !== 200) throw new Error(`HTTP ${status} for ${url}`);
      latencies.push(performance.now() - t);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const q = (p) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2));
console.log(
  JSON.stringify({
    p50: q(0.5),
    p99: q(0.99),
    rps: Math.round(latencies.length / seconds),
    clientCpuUs: Math.round((cpu.user + cpu.system) / latencies.length),
  }),
);
process.exit(0);
