// One HTTP(S) GET with node:http/https (no dependency): follows a bounded number of redirects,
// gives up when the connection is idle for `timeoutMs` (connect, headers or body), refuses a
// declared length above `maxBytes`, and names the URL and status in every failure.
// The caller reads the returned response body; the idle timeout keeps guarding that read.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { ParadropError, quote } from '../../errors.js';

export interface HttpGetOptions {
  /** Longest wait for any progress: connecting, the response headers, the next body bytes. */
  timeoutMs: number;
  /** Refuse a Content-Length above this (the body is counted by the caller as well). */
  maxBytes: number;
  maxRedirects?: number;
  /** Aborts everything (used for an overall deadline). */
  signal?: AbortSignal;
  /** Why the signal aborts, for the message (`the deadline of 60000 ms passed`). */
  abortReason?: string;
  /** Chute file name, for messages. */
  fileName?: string;
}

export interface HttpResponse {
  /** The body; iterate it with for-await. A timeout or abort makes the iteration throw. */
  body: IncomingMessage;
  /** The URL that answered, after redirects. */
  url: string;
  /** Content-Length when the server sent one. */
  total?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
export const DEFAULT_MAX_REDIRECTS = 5;

export async function httpGet(url: string, opts: HttpGetOptions): Promise<HttpResponse> {
  const max = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const who = opts.fileName === undefined ? '' : `file ${quote(opts.fileName)}: `;
  let current = url;
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(current, opts, who);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      res.destroy();
      const location = res.headers.location;
      if (location === undefined) throw failed(who, current, `HTTP ${status} redirect without a Location header`);
      if (hop >= max) throw failed(who, url, `more than ${max} redirects (last to ${quote(location)})`);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw failed(who, current, `HTTP ${status} redirect to an invalid URL ${quote(location)}`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw failed(who, current, `HTTP ${status} redirect to a non-http(s) URL ${quote(next.href)}`);
      }
      current = next.href;
      continue;
    }
    if (status < 200 || status > 299) {
      res.destroy();
      throw failed(who, current, `HTTP ${status}${res.statusMessage ? ' ' + res.statusMessage : ''}`, status);
    }
    const lengthHeader = res.headers['content-length'];
    const total = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    if (total !== undefined && total > opts.maxBytes) {
      res.destroy();
      throw new ParadropError('FILE_TOO_LARGE',
        `${who}GET ${current}: the server announces ${total} bytes, more than the limit of ${opts.maxBytes}`,
        { value: total, expected: `at most ${opts.maxBytes} bytes` });
    }
    return total === undefined ? { body: res, url: current } : { body: res, url: current, total };
  }
}

function failed(who: string, url: string, why: string, status?: number, cause?: unknown): ParadropError {
  // The URL names nothing: a user error (exit 1), unlike a network or server failure.
  return new ParadropError(status === 404 || status === 410 ? 'FILE_NOT_FOUND' : 'FETCH_FAILED', `${who}GET ${url} failed: ${why}`,
    { value: status ?? url, expected: 'HTTP 200 with the file', cause });
}

function requestOnce(url: string, opts: HttpGetOptions, who: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    let response: IncomingMessage | undefined;
    const req = get(url, {
      // A private agent per request: no pooled keep-alive socket outlives the download.
      agent: false,
      timeout: opts.timeoutMs,
      headers: { 'accept-encoding': 'identity', 'user-agent': 'paradrop' },
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    }, (res) => {
      response = res;
      // The caller starts reading only after preparing its temporary file; an error in between
      // (timeout, deadline) must not be an uncaught 'error' event. The body iteration still
      // throws it: a destroyed stream hands its error to any later reader.
      res.on('error', () => undefined);
      resolve(res);
    });
    req.on('timeout', () => {
      const err = failed(who, url, `no progress for ${opts.timeoutMs} ms (timeout)`);
      // Before the headers the request carries the error; afterwards the body iteration must see it.
      if (response !== undefined) response.destroy(err);
      req.destroy(err);
    });
    req.on('error', (err) => {
      // After the response arrived, errors surface through the body; this listener only keeps
      // the emitter from throwing.
      if (response !== undefined) return;
      if (err instanceof ParadropError) reject(err);
      else if ((err as { name?: string }).name === 'AbortError') reject(failed(who, url, opts.abortReason ?? 'aborted', undefined, err));
      else reject(failed(who, url, err.message, undefined, err));
    });
  });
}
