import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { PUBLIC_DIR } from '../paths.js';
import { presentedHost } from './stream.js';

// The member-facing page: public/index.html at `/`, the official Web Chat UMD bundle from node_modules
// at `/webchat.js` (no CDN), and the page's own files under `/static/`.

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// Web Chat renders with inline styles (emotion) and data: images; everything else comes from this origin.
// connect-src: this origin, and the Direct Line WebSocket stream on this same host (named explicitly:
// not every browser lets 'self' cover ws:/wss:). Only a well-formed Host header is echoed.
export function contentSecurityPolicy(host?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self' data:",
    host ? `connect-src 'self' ws://${host} wss://${host}` : "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** dist/webchat.js of the installed botframework-webchat (its package.json is not in `exports`). */
export function resolveWebChatBundle(): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('botframework-webchat'));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'dist', 'webchat.js'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('botframework-webchat/dist/webchat.js not found');
    dir = parent;
  }
  return join(dir, 'dist', 'webchat.js');
}

function securityHeaders(res: Response): void {
  res.header('X-Content-Type-Options', 'nosniff');
  res.header('Referrer-Policy', 'no-referrer');
}

function notFound(res: Response): void {
  res.header('Content-Type', 'text/plain; charset=utf-8');
  res.send(404, 'Not found');
}

async function sendFile(
  res: Response,
  path: string,
  cacheControl: string,
  extraHeaders: Record<string, string> = {},
) {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`not a file: ${path}`);
  const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  securityHeaders(res);
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': String(info.size),
    'Cache-Control': cacheControl,
    ...extraHeaders,
  });
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(path);
    stream.on('error', fail);
    res.on('close', () => {
      stream.destroy();
      done();
    });
    stream.on('end', () => done());
    stream.pipe(res);
  });
}

/** The file under `root` named by the URL path, or undefined if it escapes root or is not servable. */
export function safePublicPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const parts = decoded.split('/').filter((p) => p !== '');
  // No hidden files, no parent segments (checked before resolving, and again after).
  if (parts.length === 0 || parts.some((p) => p.startsWith('.'))) return undefined;
  const base = resolve(root);
  const full = resolve(base, ...parts);
  if (!full.startsWith(base + sep)) return undefined;
  if (!(extname(full).toLowerCase() in CONTENT_TYPES)) return undefined;
  return full;
}

export function registerWebChatPage(server: Server, opts: { publicDir?: string } = {}): void {
  const publicDir = opts.publicDir ?? PUBLIC_DIR;
  const bundlePath = resolveWebChatBundle();

  server.get('/', async (req: Request, res: Response) => {
    try {
      const html = await readFile(join(publicDir, 'index.html'));
      securityHeaders(res);
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': String(html.length),
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': contentSecurityPolicy(presentedHost(req as unknown as IncomingMessage)),
      });
      res.end(html);
    } catch {
      notFound(res);
    }
  });

  server.get('/webchat.js', async (_req: Request, res: Response) => {
    try {
      // The bundle only changes with an npm update; a day of caching saves members 4 MB per visit.
      await sendFile(res, bundlePath, 'public, max-age=86400');
    } catch {
      if (!res.headersSent) notFound(res);
    }
  });

  // Browsers and tools ask for /favicon.ico whatever the page links; the pages link the SVG too.
  server.get('/favicon.ico', async (_req: Request, res: Response) => {
    try {
      await sendFile(res, join(publicDir, 'favicon.ico'), 'public, max-age=86400');
    } catch {
      if (!res.headersSent) notFound(res);
    }
  });

  server.get('/static/*', async (req: Request, res: Response) => {
    const rawPath = (req.url ?? '').split('?')[0]?.slice('/static/'.length) ?? '';
    const file = safePublicPath(publicDir, rawPath);
    if (!file) {
      notFound(res);
      return;
    }
    try {
      await sendFile(res, file, 'no-cache');
    } catch {
      if (!res.headersSent) notFound(res);
    }
  });
}
