/** How Ollama's state is put into words (never colour alone), and which of two statuses is newer. */
import { isNewer } from '../../../../shared/versioned';
import type { OllamaServerStatus, OllamaState, OllamaStatus } from '../../../../shared/types/domain';

export const STATE_TEXT: Record<OllamaState, string> = {
  starting: 'Starting',
  running: 'Running',
  stopped: 'Stopped',
  error: 'Error',
  unavailable: 'Not found',
};

/** "127.0.0.1:11434" from "http://127.0.0.1:11434/": enough to tell servers apart. */
export function shortUrl(url: string | null): string {
  if (!url) return 'no address';
  try {
    const u = new URL(url);
    return u.host + (u.pathname !== '/' ? u.pathname.replace(/\/$/, '') : '');
  } catch {
    return url;
  }
}

export function kindText(s: OllamaServerStatus): string {
  return s.kind === 'bundled' ? 'bundled' : 'external';
}

/** One line a screen reader reads for the pill. */
export function describeServer(s: OllamaServerStatus): string {
  const parts = [`Ollama ${STATE_TEXT[s.state].toLowerCase()}`];
  if (s.version) parts.push(`version ${s.version}`);
  parts.push(kindText(s));
  if (s.baseUrl) parts.push(s.baseUrl);
  return parts.join(', ');
}

export function sinceText(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return new Date(ms).toLocaleString();
}

/** "+2 servers" / "+2 servers, 1 down" for the extra servers beside the primary one; '' when none. */
export function extrasText(servers: OllamaServerStatus[]): string {
  const extras = servers.slice(1);
  if (extras.length === 0) return '';
  const down = extras.filter((s) => s.state !== 'running' && s.state !== 'starting').length;
  const n = `+${extras.length} server${extras.length === 1 ? '' : 's'}`;
  return down ? `${n}, ${down} down` : n;
}

/**
 * Whether `next` may replace `shown`: a reply to a call can arrive after a newer event (they travel
 * separately), so an older status of the same run is dropped; a new run (the app restarted) wins.
 */
export function isNewerStatus(shown: OllamaStatus | null, next: OllamaStatus): boolean {
  if (!shown || shown.run !== next.run) return true;
  // Within one run, the same rule as for rows (shared/versioned.ts): the sequence is the version.
  return next.seq === shown.seq || isNewer(statusVersion(next), statusVersion(shown));
}

/** A status's sequence as a version that sorts as text. */
const statusVersion = (s: OllamaStatus) => String(s.seq).padStart(12, '0');
