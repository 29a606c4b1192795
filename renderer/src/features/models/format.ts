/** Numbers as people read them: sizes, speeds, durations, dates. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1_321_098_329 → "1.3 GB" (decimal units, as Ollama and disk tools show them). */
export function formatBytes(bytes: number | undefined | null): string {
  if (bytes === undefined || bytes === null || !Number.isFinite(bytes) || bytes < 0) return '—';
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  const digits = u === 0 ? 0 : v < 10 ? 1 : 0;
  return `${v.toFixed(digits)} ${UNITS[u]}`;
}

/** 12_500_000 → "12.5 MB/s". */
export function formatSpeed(bytesPerSec: number | undefined | null): string {
  if (!bytesPerSec || !Number.isFinite(bytesPerSec) || bytesPerSec <= 0) return '';
  return `${formatBytes(bytesPerSec)}/s`;
}

/** Seconds left → "about 3 min", "12 s", "1 h 5 min". */
export function formatEta(seconds: number | undefined | null): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s left`;
  const m = Math.round(s / 60);
  if (m < 60) return `about ${m} min left`;
  const h = Math.floor(m / 60);
  return `about ${h} h ${m % 60} min left`;
}

/** When a running model unloads, relative to now: "unloads in 4 min", "stays loaded". */
export function formatExpiry(expiresAt: number | null, now = Date.now()): string {
  if (expiresAt === null) return 'stays loaded';
  const s = Math.round((expiresAt - now) / 1000);
  if (s <= 0) return 'unloading now';
  if (s < 60) return `unloads in ${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `unloads in ${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `unloads in ${h} h`;
  return 'stays loaded';
}

export function formatDate(ms: number | undefined): string {
  if (!ms) return '—';
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** 131072 → "131,072 tokens"? Too long for a table: "128K". */
export function formatContext(tokens: number | undefined): string {
  if (!tokens) return '—';
  if (tokens >= 1024 && tokens % 1024 === 0) return `${tokens / 1024}K`;
  if (tokens >= 1000) return `${Math.round(tokens / 1000)}K`;
  return String(tokens);
}
