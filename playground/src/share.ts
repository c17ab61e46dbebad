/**
 * Share links: the program and its data in the URL's hash, compressed with the platform's
 * CompressionStream (deflate-raw) and written as base64url. A link is untrusted input: decoding
 * checks sizes and shapes and yields plain strings only — nothing in it is ever run or parsed as HTML.
 */

export interface Session {
  program: string;
  /** Data files as CSV text by base name (`partners`, `sale`). */
  data?: Record<string, string>;
}

/** The largest hash that carries data; above it the link carries the program only. */
export const MAX_LINK_CHARS = 8 * 1024;
/** Decompressed links larger than this are refused (a small link cannot expand without limit). */
export const MAX_DECODED_BYTES = 8 * 1024 * 1024;

const PREFIX = 'v1.';

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the link is damaged (not base64url)');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit = Infinity): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  void writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
  void writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      void reader.cancel().catch(() => {});
      throw new Error('the link is too large once expanded');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export async function deflate(text: string): Promise<string> {
  return toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')));
}

export async function inflate(code: string): Promise<string> {
  const bytes = await pipe(fromBase64Url(code), new DecompressionStream('deflate-raw'), MAX_DECODED_BYTES);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/**
 * The hash for a session (`#v1.…`). When the program and data together would exceed
 * MAX_LINK_CHARS, the link carries the program only and `dataLeftOut` says so.
 */
export async function encodeSession(s: Session): Promise<{ hash: string; dataLeftOut: boolean }> {
  const hasData = s.data !== undefined && Object.keys(s.data).length > 0;
  if (hasData) {
    const full = '#' + PREFIX + (await deflate(JSON.stringify({ p: s.program, d: s.data })));
    if (full.length <= MAX_LINK_CHARS) return { hash: full, dataLeftOut: false };
  }
  return { hash: '#' + PREFIX + (await deflate(JSON.stringify({ p: s.program, ...(hasData ? { x: 1 } : {}) }))), dataLeftOut: hasData };
}

export interface DecodedSession extends Session {
  /** The link was made without its data (it was too large). */
  dataLeftOut: boolean;
}

/** Reads a hash made by encodeSession. Throws an Error with a readable message when the link is not one. */
export async function decodeSession(hash: string): Promise<DecodedSession> {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!h.startsWith(PREFIX)) throw new Error('this link is not an Incent playground link');
  let value: unknown;
  try {
    value = JSON.parse(await inflate(h.slice(PREFIX.length)));
  } catch (e) {
    throw new Error(`the link is damaged (${(e as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('the link is damaged (not a session)');
  const v = value as Record<string, unknown>;
  if (typeof v['p'] !== 'string') throw new Error('the link is damaged (no program)');
  let data: Record<string, string> | undefined;
  if (v['d'] !== undefined) {
    const d = v['d'];
    if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new Error('the link is damaged (bad data)');
    data = Object.create(null) as Record<string, string>; // no prototype: a key `__proto__` is just a key
    for (const [k, text] of Object.entries(d as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || typeof text !== 'string') throw new Error('the link is damaged (bad data file)');
      data[k] = text;
    }
  }
  return { program: v['p'], ...(data ? { data } : {}), dataLeftOut: v['x'] === 1 };
}
