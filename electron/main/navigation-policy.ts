/**
 * What a window may do with a URL, as pure functions (no electron import, so they are unit-tested):
 * the app's own page may load; http(s) and mailto links go to the OS browser; anything else
 * (javascript:, data:, file:, custom schemes, garbage) goes nowhere.
 */

/** The URL to hand to the OS browser, normalised, or null when it must not leave the app. */
export function externalUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.toString() : null;
}

export interface NavigationDecision {
  /** Let the window navigate (only to the app itself). */
  allow: boolean;
  /** Open this in the OS browser instead (null: open nothing). */
  openExternal: string | null;
}

/** will-navigate / will-frame-navigate: stay in the app, or send the link out. */
export function decideNavigation(url: string, isOwnUrl: (url: string) => boolean): NavigationDecision {
  if (isOwnUrl(url)) return { allow: true, openExternal: null };
  return { allow: false, openExternal: externalUrl(url) };
}

/** window.open / target=_blank: never a new app window; safe links go to the OS browser. */
export function decideWindowOpen(url: string): NavigationDecision {
  return { allow: false, openExternal: externalUrl(url) };
}

/** will-redirect: a redirect may only stay inside the app, and is never opened outside. */
export function decideRedirect(url: string, isOwnUrl: (url: string) => boolean): NavigationDecision {
  return { allow: isOwnUrl(url), openExternal: null };
}
