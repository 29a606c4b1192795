import { describe, expect, it } from 'vitest';
import { classifyImage, linkTextShowsUrl, safeLinkHref } from './url-safety';

describe('safeLinkHref', () => {
  it('allows absolute http, https and mailto', () => {
    expect(safeLinkHref('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeLinkHref('HTTP://Example.com')).toBe('http://example.com/');
    expect(safeLinkHref('mailto:someone@example.com')).toBe('mailto:someone@example.com');
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '/relative/path',
    '../up',
    '//evil.example/x',
    '#fragment',
    'http://user:pass@evil.example/',
    'https://',
    '',
  ])('refuses %j', (url) => {
    expect(safeLinkHref(url)).toBeNull();
  });

  it('refuses non-strings', () => {
    expect(safeLinkHref(undefined)).toBeNull();
    expect(safeLinkHref(null)).toBeNull();
  });
});

describe('classifyImage', () => {
  it('remote http(s) images wait for consent and name their host', () => {
    expect(classifyImage('http://127.0.0.1:8080/tracker.png')).toEqual({
      kind: 'remote',
      url: 'http://127.0.0.1:8080/tracker.png',
      host: '127.0.0.1:8080',
    });
  });
  it('data: images are never shown; other schemes and relative paths are blocked', () => {
    expect(classifyImage('data:image/png;base64,AAAA')).toEqual({ kind: 'data' });
    expect(classifyImage(' DATA:image/svg+xml,<svg/>')).toEqual({ kind: 'data' });
    expect(classifyImage('javascript:alert(1)')).toEqual({ kind: 'blocked' });
    expect(classifyImage('file:///x.png')).toEqual({ kind: 'blocked' });
    expect(classifyImage('/img.png')).toEqual({ kind: 'blocked' });
    expect(classifyImage(undefined)).toEqual({ kind: 'blocked' });
  });
});

describe('linkTextShowsUrl', () => {
  it('is true only when the visible text is the URL itself', () => {
    expect(linkTextShowsUrl('https://example.com', 'https://example.com/')).toBe(true);
    expect(linkTextShowsUrl('example.com', 'http://example.com/')).toBe(true);
    expect(linkTextShowsUrl('a@b.c', 'mailto:a@b.c')).toBe(true);
    expect(linkTextShowsUrl('click here', 'https://evil.example/')).toBe(false);
    expect(linkTextShowsUrl('https://bank.example', 'https://evil.example/')).toBe(false);
  });
});
