import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { PUBLIC_DIR } from '../paths.js';

// The staff console: static files, no build step. The page holds no data until the staff member
// signs in; everything else comes from the staff API.

const FILES: Record<string, { file: string; type: string }> = {
  '/staff': { file: 'staff.html', type: 'text/html; charset=utf-8' },
  '/staff/': { file: 'staff.html', type: 'text/html; charset=utf-8' },
  '/staff/staff.js': { file: 'staff.js', type: 'text/javascript; charset=utf-8' },
  '/staff/session.js': { file: 'session.js', type: 'text/javascript; charset=utf-8' },
  '/staff/staff.css': { file: 'staff.css', type: 'text/css; charset=utf-8' },
  '/staff/insights': { file: 'insights.html', type: 'text/html; charset=utf-8' },
  '/staff/insights.js': { file: 'insights.js', type: 'text/javascript; charset=utf-8' },
  '/staff/insights.css': { file: 'insights.css', type: 'text/css; charset=utf-8' },
  // The charting library, bundled from node_modules (no CDN): same origin, so script-src 'self' holds.
  '/staff/vendor/chart.umd.min.js': {
    // Beside the package's main file (dist/chart.cjs); the UMD build is not in its "exports".
    file: join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/staff/conversation.js': { file: 'conversation.js', type: 'text/javascript; charset=utf-8' },
  '/staff/conversation.css': { file: 'conversation.css', type: 'text/css; charset=utf-8' },
};

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

export function registerStaffPage(server: Server, dir: string = join(PUBLIC_DIR, 'staff')): void {
  for (const [path, { file, type }] of Object.entries(FILES)) {
    server.get(path, async (_req: Request, res: Response) => {
      try {
        const body = await readFile(isAbsolute(file) ? file : join(dir, file));
        res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, ...SECURITY_HEADERS });
        res.end(body);
      } catch {
        res.send(404, { error: { code: 'NotFound', message: 'Staff page not installed' } });
      }
    });
  }
}
