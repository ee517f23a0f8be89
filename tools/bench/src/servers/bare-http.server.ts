// Baseline (a): the ceiling of a Node HTTP front on this machine — bare node:http answering every request
// with the same 1 KiB body, doing no other work. Run as its own process: `PORT=… node bare-http.server.js`.
import { createServer } from 'node:http';

import { VALUE_BYTES } from '../data/keys';

const body = Buffer.alloc(VALUE_BYTES, 0x61);
const port = Number(process.env['PORT']);

createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  res.end(body);
}).listen(port, '127.0.0.1', () => console.log(`bare node:http on 127.0.0.1:${port}`));

process.on('SIGTERM', () => process.exit(0));
