import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from './address-guard';
import { fetchRemoteImage, sniffImage } from './remote-image';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let server: Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/pixel.png') res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
    else if (path === '/redirect') res.writeHead(302, { Location: '/pixel.png' }).end();
    else if (path === '/loop') res.writeHead(302, { Location: '/loop' }).end();
    else if (path === '/evil.svg')
      res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end('<svg onload="alert(1)"/>');
    else if (path === '/page') res.writeHead(200, { 'Content-Type': 'text/html' }).end('<script></script>');
    else if (path === '/liar.png') res.writeHead(200, { 'Content-Type': 'image/png' }).end('<svg/>');
    else if (path === '/big.png') {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.write(PNG);
      res.end(Buffer.alloc(2048));
    } else if (path === '/slow.png') {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.write(PNG.subarray(0, 4)); // then nothing: the timeout must end it
    } else if (path === '/missing.png') res.writeHead(404).end();
    else res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const local = { allowPrivate: true };

describe('fetchRemoteImage', () => {
  it('returns a PNG as a data: URL with the sniffed type', async () => {
    const img = await fetchRemoteImage(`${base}/pixel.png`, local);
    expect(img.mime).toBe('image/png');
    expect(img.dataUrl).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
  });

  it('follows a redirect, but not forever', async () => {
    expect((await fetchRemoteImage(`${base}/redirect`, local)).mime).toBe('image/png');
    await expect(fetchRemoteImage(`${base}/loop`, local)).rejects.toThrow(/redirected more than 3 times/);
  });

  it('refuses SVG, non-images, content that is not what it claims, and HTTP errors', async () => {
    await expect(fetchRemoteImage(`${base}/evil.svg`, local)).rejects.toThrow(/SVG images .* not loaded/);
    await expect(fetchRemoteImage(`${base}/page`, local)).rejects.toThrow(
      /not a PNG, JPEG, GIF or WebP image \(it is text\/html\)/,
    );
    await expect(fetchRemoteImage(`${base}/liar.png`, local)).rejects.toThrow(/not a valid PNG image/);
    await expect(fetchRemoteImage(`${base}/missing.png`, local)).rejects.toThrow(/HTTP 404/);
  });

  it('refuses images over the size limit', async () => {
    await expect(fetchRemoteImage(`${base}/big.png`, { ...local, maxBytes: 1024 })).rejects.toThrow(/larger than/);
  });

  it('gives up after the timeout', async () => {
    const t = Date.now();
    await expect(fetchRemoteImage(`${base}/slow.png`, { ...local, timeoutMs: 300 })).rejects.toThrow(
      /did not answer within 0.3 s/,
    );
    expect(Date.now() - t).toBeLessThan(3000);
  });

  it('refuses schemes other than http and https', async () => {
    await expect(fetchRemoteImage('file:///etc/passwd', local)).rejects.toThrow(/Only http and https/);
    await expect(fetchRemoteImage('ftp://example.com/a.png', local)).rejects.toThrow(/Only http and https/);
  });

  it('refuses loopback by default, without sending a request', async () => {
    const before = hits.length;
    await expect(fetchRemoteImage(`${base}/pixel.png`)).rejects.toThrow(/local or private network address/);
    await expect(fetchRemoteImage(`http://[::1]:1/pixel.png`)).rejects.toThrow(/local or private/);
    expect(hits.length).toBe(before);
  });

  it('resolves DNS first and refuses a name that points at a private address', async () => {
    const before = hits.length;
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const port = new URL(base).port;
    await expect(fetchRemoteImage(`http://images.example:${port}/pixel.png`, { resolve })).rejects.toThrow(
      /images\.example \(127\.0\.0\.1\).*private/,
    );
    const mixed = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    await expect(fetchRemoteImage(`http://images.example:${port}/pixel.png`, { resolve: mixed })).rejects.toThrow(
      /10\.0\.0\.5/,
    );
    expect(hits.length).toBe(before);
  });

  it('connects to the address it checked (pinned), not to a fresh DNS answer', async () => {
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const port = new URL(base).port;
    const img = await fetchRemoteImage(`http://pinned.invalid:${port}/pixel.png`, { ...local, resolve });
    expect(img.mime).toBe('image/png');
  });

  it('refuses a redirect to a private address', async () => {
    const redirector = createServer((_req, res) => res.writeHead(302, { Location: base + '/pixel.png' }).end());
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    const port = (redirector.address() as AddressInfo).port;
    // The first hop is "public" by a fake resolver; the redirect target is a literal loopback address.
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const guarded = { resolve, allowPrivate: false };
    try {
      await expect(fetchRemoteImage(`http://public.example:${port}/`, guarded)).rejects.toThrow(/private/);
    } finally {
      redirector.close();
    }
  });
});

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    'not-an-ip',
  ])('%s is private', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111'])('%s is public', (ip) =>
    expect(isPrivateAddress(ip)).toBe(false),
  );
});

describe('sniffImage', () => {
  it('knows PNG, JPEG, GIF and WebP by their bytes', () => {
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('GIF89a....'))).toBe('image/gif');
    expect(sniffImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });
});
