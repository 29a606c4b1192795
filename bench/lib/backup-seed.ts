/**
 * A data folder for the backup bench: CHATS chats holding MESSAGES messages of realistic sizes (user
 * turns 80–800 bytes, answers 300–5,000 bytes, log-uniform: ~1 KB a message on average), written
 * straight into hearth.db after the real migrations (openDatabase), in one transaction per 20,000
 * rows, with every trigger in place (so the full-text index is the one the app would have built).
 * Ids are UUIDv7 and versions HLC stamps, as the app writes them; each chat is one branch of
 * alternating turns. The text is cut from a few MB of generated prose (a Zipf vocabulary, sentences,
 * lists, code fences), so it compresses like chat text rather than like repeated filler.
 *
 *   seedBackupStore(dataDir, o)   builds <dataDir>/hearth.db; with `cache`, keeps a copy of the
 *                                 closed file there and copies it back on the next run of the same size
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../electron/services/store/database';
import { HybridClock } from '../../electron/services/util/hlc';
import { uuidv7 } from '../../shared/uuidv7';

export interface SeedResult {
  chats: number;
  messages: number;
  /** Message text written, UTF-8 bytes. */
  textBytes: number;
  dbBytes: number;
  seconds: number;
  /** True when the store came from the cache (seconds is then the copy's time). */
  cached: boolean;
}

/** mulberry32: a small deterministic PRNG in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A few MB of prose over a Zipf vocabulary: paragraphs, bullet lists and now and then a code fence. */
function prose(bytes: number, rnd: () => number): string {
  const c = ['b', 'c', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'st', 'tr', 'ch'];
  const v = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea'];
  const seen = new Set<string>();
  while (seen.size < 8000) {
    let w = '';
    for (let s = 1 + Math.floor(rnd() * 3); s > 0; s--)
      w += c[Math.floor(rnd() * c.length)]! + v[Math.floor(rnd() * v.length)]!;
    if (rnd() < 0.3) w += c[Math.floor(rnd() * c.length)]!;
    seen.add(w);
  }
  const words = [...seen];
  const cum: number[] = [];
  let total = 0;
  for (let i = 0; i < words.length; i++) cum.push((total += 1 / (i + 1)));
  const word = () => {
    const x = rnd() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
  const sentence = () => {
    const n = 5 + Math.floor(rnd() * 18);
    const ws = Array.from({ length: n }, word);
    ws[0] = ws[0]![0]!.toUpperCase() + ws[0]!.slice(1);
    if (n > 9 && rnd() < 0.5) ws[4] += ',';
    return `${ws.join(' ')}${rnd() < 0.1 ? '?' : '.'}`;
  };
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const r = rnd();
    let p: string;
    if (r < 0.7) p = Array.from({ length: 2 + Math.floor(rnd() * 4) }, sentence).join(' ');
    else if (r < 0.9) p = Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => `- ${sentence()}`).join('\n');
    else {
      const f = `${word()}${word()[0]!.toUpperCase()}${word().slice(1)}`;
      p =
        '```ts\n' +
        `export function ${f}(items: ${word()}[]): number {\n  let total = 0;\n` +
        `  for (const ${word()} of items) total += ${Math.floor(rnd() * 100)};\n  return total;\n}\n` +
        '```';
    }
    parts.push(p);
    size += p.length + 2;
  }
  return parts.join('\n\n');
}

/** Log-uniform between lo and hi. */
const logUniform = (rnd: () => number, lo: number, hi: number) => Math.round(lo * Math.exp(rnd() * Math.log(hi / lo)));

export async function seedBackupStore(
  dataDir: string,
  o: { chats: number; messages: number; cache?: string; log: (s: string) => void },
): Promise<SeedResult> {
  const file = join(dataDir, 'hearth.db');
  const t = performance.now();
  const cached = o.cache ? join(o.cache, `backup-seed-${o.chats}-${o.messages}.db`) : null;
  if (cached && existsSync(cached) && existsSync(`${cached}.json`)) {
    o.log(`backup: copying the store of ${o.messages.toLocaleString('en')} messages from ${cached}`);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    copyFileSync(cached, file);
    const built = JSON.parse(readFileSync(`${cached}.json`, 'utf8')) as SeedResult;
    return { ...built, dbBytes: statSync(file).size, seconds: (performance.now() - t) / 1000, cached: true };
  }

  const rnd = prng(2026);
  const pool = prose(8 * 1024 * 1024, rnd);
  const { db, deviceId } = openDatabase({ file });
  let textBytes = 0;
  try {
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144'); // 256 MB while building
    const chat = db.prepare(
      `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const message = db.prepare(
      `INSERT INTO messages (id, chat_id, parent_id, role, content, model, status, created_at, updated_at, version, device_id)
       VALUES (?, ?, ?, ?, ?, ?, 'done', ?, ?, ?, ?)`,
    );
    const cut = (len: number) => {
      let s = Math.floor(rnd() * (pool.length - len - 200));
      s = pool.indexOf(' ', s) + 1;
      const e = pool.indexOf(' ', s + len);
      return pool.slice(s, e < 0 ? s + len : e);
    };
    // Messages per chat: uneven (a few long chats, many short ones), summing to the total.
    const weights = Array.from({ length: o.chats }, () => 0.05 + rnd() ** 3);
    const sum = weights.reduce((a, b) => a + b, 0);
    const per = weights.map((w) => Math.floor((w / sum) * o.messages));
    for (let i = 0, left = o.messages - per.reduce((a, b) => a + b, 0); left > 0; i = (i + 1) % o.chats, left--)
      per[i]! += 1;

    let now = Date.now() - o.messages * 30_000 - o.chats * 60_000;
    const clock = new HybridClock(deviceId, () => now);
    const models = ['ollama/llama3.2:3b', 'ollama/qwen2.5:7b', 'openai/gpt-4o-mini'];
    const BATCH = 20_000;
    let written = 0;
    let c = 0;
    let pending: (() => void)[] = [];
    // One transaction per batch, the event loop free in between (the bench's watchdog and Ctrl-C).
    const flush = async () => {
      db.transaction(() => {
        for (const f of pending) f();
      })();
      pending = [];
      await new Promise((r) => setImmediate(r));
    };
    const tLog = { at: performance.now() };
    for (; c < o.chats; c++) {
      const id = uuidv7(now);
      const model = models[c % models.length]!;
      const title = cut(logUniform(rnd, 12, 60))
        .replace(/[\n`#-]/g, ' ')
        .trim();
      const n = per[c]!;
      const chatAt = now;
      // The chat row first (messages refer to it), its updated_at the time of its last message.
      pending.push(() =>
        chat.run(id, title || `Chat ${c}`, model, chatAt, chatAt + n * 30_000, clock.tick(), deviceId),
      );
      let parent: string | null = null;
      for (let m = 0; m < n; m++) {
        now += 30_000;
        const role = m % 2 === 0 ? 'user' : 'assistant';
        const content = cut(role === 'user' ? logUniform(rnd, 80, 800) : logUniform(rnd, 300, 5000));
        textBytes += Buffer.byteLength(content);
        const mid = uuidv7(now);
        const at = now;
        const p = parent;
        pending.push(() =>
          message.run(mid, id, p, role, content, role === 'assistant' ? model : null, at, at, clock.tick(), deviceId),
        );
        parent = mid;
      }
      now += 60_000;
      written += n;
      if (pending.length >= BATCH) await flush();
      if (performance.now() - tLog.at > 15_000) {
        tLog.at = performance.now();
        const s = (performance.now() - t) / 1000;
        o.log(
          `backup: seeded ${written.toLocaleString('en')} of ${o.messages.toLocaleString('en')} messages in ${s.toFixed(0)} s (~${((s / written) * (o.messages - written)).toFixed(0)} s to go)`,
        );
      }
    }
    await flush();
    const got = db.prepare('SELECT (SELECT count(*) FROM chats), (SELECT count(*) FROM messages)').raw().get() as [
      number,
      number,
    ];
    if (got[0] !== o.chats || got[1] !== o.messages)
      throw new Error(`seeding wrote ${got[0]} chats / ${got[1]} messages, not ${o.chats} / ${o.messages}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
  const result: SeedResult = {
    chats: o.chats,
    messages: o.messages,
    textBytes,
    dbBytes: statSync(file).size,
    seconds: (performance.now() - t) / 1000,
    cached: false,
  };
  if (cached) {
    mkdirSync(o.cache!, { recursive: true });
    copyFileSync(file, cached);
    writeFileSync(`${cached}.json`, JSON.stringify(result));
  }
  return result;
}
