/**
 * The Electron window's link policy (the functions index.ts wires into will-navigate, will-redirect
 * and setWindowOpenHandler): links in model output reach the OS browser only as http(s)/mailto,
 * and nothing navigates the app window away from the app.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decideNavigation, decideRedirect, decideWindowOpen, externalUrl } from './navigation-policy';
import { isOwnUrl, rendererEntry } from './renderer-url';

afterEach(() => {
  delete process.env.ELECTRON_RENDERER_URL;
});

describe('externalUrl', () => {
  it('passes http, https and mailto links, normalised', () => {
    expect(externalUrl('https://example.com/a b?q=1#x')).toBe('https://example.com/a%20b?q=1#x');
    expect(externalUrl('HTTP://Example.COM')).toBe('http://example.com/');
    expect(externalUrl('mailto:someone@example.com')).toBe('mailto:someone@example.com');
  });

  it('refuses every other scheme and anything that is not a URL', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox',
      'ms-settings:privacy',
      'smb://host/share',
      'chrome://settings',
      '//example.com',
      'not a url',
      '',
    ]) {
      expect(externalUrl(url), url).toBeNull();
    }
  });
});

describe('window policy (packaged: the app is file://…/renderer/index.html)', () => {
  const own = rendererEntry().url;

  it('the app page may load (with any #route); any other file may not', () => {
    expect(isOwnUrl(own)).toBe(true);
    expect(isOwnUrl(own + '#/chat/1')).toBe(true);
    expect(isOwnUrl('file:///etc/passwd')).toBe(false);
    expect(isOwnUrl(own.replace('index.html', 'other.html'))).toBe(false);
    expect(decideNavigation(own, isOwnUrl)).toEqual({ allow: true, openExternal: null });
  });

  it('a clicked https link does not navigate the window and opens in the OS browser', () => {
    expect(decideNavigation('https://example.com/page', isOwnUrl)).toEqual({
      allow: false,
      openExternal: 'https://example.com/page',
    });
  });

  it('javascript:, data: and file: navigations are blocked and open nothing', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd']) {
      expect(decideNavigation(url, isOwnUrl), url).toEqual({ allow: false, openExternal: null });
    }
  });

  it('window.open never makes an app window; a safe link goes to the OS browser, others nowhere', () => {
    expect(decideWindowOpen('https://example.com')).toEqual({ allow: false, openExternal: 'https://example.com/' });
    expect(decideWindowOpen(own)).toEqual({ allow: false, openExternal: null });
    expect(decideWindowOpen('javascript:alert(1)')).toEqual({ allow: false, openExternal: null });
  });

  it('redirects may stay in the app only and never open anything', () => {
    expect(decideRedirect(own, isOwnUrl)).toEqual({ allow: true, openExternal: null });
    expect(decideRedirect('https://evil.example/', isOwnUrl)).toEqual({ allow: false, openExternal: null });
  });
});

describe('window policy (development: the app comes from the Vite dev server)', () => {
  it('only that origin is the app', () => {
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/';
    expect(isOwnUrl('http://localhost:5173/#/settings')).toBe(true);
    expect(isOwnUrl('http://localhost:5174/')).toBe(false);
    expect(isOwnUrl('http://127.0.0.1:5173/')).toBe(false);
    expect(decideNavigation('http://localhost:5174/', isOwnUrl)).toEqual({
      allow: false,
      openExternal: 'http://localhost:5174/',
    });
  });
});
