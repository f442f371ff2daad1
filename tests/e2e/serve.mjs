// A tiny static file server for the built web app (dist/), for the end-to-end tests.
//
// It serves dist/ both at the root and under SUB_PATH (`/wobble/`), so a test can prove the app
// works when deployed below a sub-path (Trunk.toml sets a relative public_url for that). It
// listens on 127.0.0.1 at a free port, has no dependencies, and never falls back to index.html
// for a missing file: a wrong asset URL must show up as a 404, not as HTML.
//
// Use from a test:   const server = await serveDist(); await page.goto(server.url('/wobble/'));
// Or by hand:        node tests/e2e/serve.mjs [port]   (after `cargo xtask dist`)

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The directory served: ../../dist from this file, or $WOBBLE_DIST. */
export const DIST = process.env.WOBBLE_DIST
  ? path.resolve(process.env.WOBBLE_DIST)
  : fileURLToPath(new URL('../../dist/', import.meta.url));

/** The sub-path under which dist/ is also served. */
export const SUB_PATH = '/wobble/';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // required by WebAssembly.instantiateStreaming
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ron': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Starts serving `root` at `/` and under `prefix`.
 * Resolves to { origin, url(pathname), requests, close() }; `requests` lists every
 * "METHOD /path -> status" the server answered, for debugging a failing test.
 */
export async function serveDist({ root = DIST, prefix = SUB_PATH, port = 0 } = {}) {
  root = path.resolve(root); // no trailing separator, for the containment check in respond()
  try {
    await stat(path.join(root, 'index.html'));
  } catch {
    throw new Error(`${root}/index.html not found: build the app first (cargo xtask dist)`);
  }
  const requests = [];
  const server = createServer(async (req, res) => {
    const status = await respond(root, prefix, req, res);
    requests.push(`${req.method} ${req.url} -> ${status}`);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (pathname = prefix) => new URL(pathname, origin).href,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Answers one request; returns the status sent. */
async function respond(root, prefix, req, res) {
  const send = (status, body = '', headers = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
    return status;
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');

  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    return send(400, 'bad url\n');
  }
  // `/wobble` must become `/wobble/`, or relative asset URLs would resolve against `/`.
  if (pathname === prefix.slice(0, -1)) return send(301, '', { location: prefix });
  if (pathname.startsWith(prefix)) pathname = '/' + pathname.slice(prefix.length);
  if (pathname.endsWith('/')) pathname += 'index.html';

  const file = path.join(root, pathname);
  if (file !== root && !file.startsWith(root + path.sep)) return send(403, 'forbidden\n');
  let info;
  try {
    info = await stat(file);
  } catch {
    return send(404, `not found: ${pathname}\n`);
  }
  if (!info.isFile()) return send(404, `not a file: ${pathname}\n`);

  res.writeHead(200, {
    'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') {
    res.end();
  } else {
    createReadStream(file).pipe(res);
  }
  return 200;
}

// `node tests/e2e/serve.mjs [port]`: serve until interrupted.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const server = await serveDist({ port: Number(process.argv[2] ?? 0) });
  console.log(`serving ${DIST}\n  ${server.url('/')}\n  ${server.url(SUB_PATH)}`);
}
