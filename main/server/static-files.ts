import { createReadStream, promises as fs } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.glb': 'model/gltf-binary',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Streams a file from inside `root`, or answers false when there is none. The resolved path must
 * stay inside `root`, so `..` and encoded separators cannot reach other files.
 */
export async function sendStatic(root: string, urlPath: string, res: ServerResponse, headers: Record<string, string> = {}): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  if (decoded.includes('\0')) return false;
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return false;
  return sendFile(file, res, headers);
}

export async function sendFile(file: string, res: ServerResponse, headers: Record<string, string> = {}): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) return false;
  res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Length': String(stat.size), ...headers });
  await new Promise<void>((resolve) => {
    createReadStream(file).on('error', () => res.destroy()).on('close', resolve).pipe(res);
  });
  return true;
}
