/**
 * Store at scale: 20,000 chats and 1,000,000 messages in a temp SQLite built with the real
 * migrations (FTS5 kept by the real triggers), bulk-inserted in one transaction. Measures the
 * service side of three user-visible moments through the real router (input validation included):
 * the first sidebar page (chats.list, limit 50), a search (search.query, 50 varied queries) and
 * opening a 2,000-message chat (chats.get). The UI target for opening a chat (150 ms) is to first
 * paint; this measures only the service part of it.
 *
 * If a calibration batch shows the full scale would take longer than MAX_BUILD_S to build on this
 * machine, the message count is scaled down (200,000) and the result says so.
 *
 * Alone (no UI, no build needed): `npx tsx bench/lib/store-scale.ts`. With BENCH_STORE_CACHE=<dir>
 * the built store is kept in <dir> and reused by the next run with the same size (it is migrated
 * on open like a user's file, so a new migration is measured on it too).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppServices } from '../../electron/services/app-services';
import { silentLogger } from '../../electron/services/util/logger';
import { summarize, type Summary } from './stats';

export interface StoreScaleResult {
  chats: number;
  messages: number;
  scaledDown: boolean;
  bigChatMessages: number;
  buildSeconds: number;
  dbBytes: number;
  listFirstPage: Summary;
  search: Summary;
  searchQueries: number;
  /** The five slowest searches, slowest first ("query" ms). */
  slowestSearches: string[];
  openBigChat: Summary;
  targets: { listP95Ms: number; searchP95Ms: number; openChatP95Ms: number };
}

const CHATS = 20_000;
const FULL_MESSAGES = Number(process.env.BENCH_STORE_MESSAGES ?? 1_000_000);
const SMALL_MESSAGES = 200_000;
const BIG_CHAT = 2_000;
const RUNS = 50;
const MAX_BUILD_S = Number(process.env.BENCH_STORE_MAX_BUILD_S ?? 110);
export const STORE_TARGETS = { listP95Ms: 20, searchP95Ms: 50, openChatP95Ms: 150 };

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

/** A deterministic vocabulary of pronounceable words, used with a Zipf-like frequency. */
function vocabulary(n: number): string[] {
  const c = ['b', 'c', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'st', 'tr'];
  const v = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
  const words = new Set<string>();
  const rnd = prng(7);
  while (words.size < n) {
    const syl = 1 + Math.floor(rnd() * 3);
    let w = '';
    for (let s = 0; s < syl; s++) w += c[Math.floor(rnd() * c.length)]! + v[Math.floor(rnd() * v.length)]!;
    words.add(w);
  }
  return [...words];
}

function textMaker(words: string[]) {
  const cum: number[] = [];
  let total = 0;
  for (let i = 0; i < words.length; i++) cum.push((total += 1 / (i + 1)));
  const rnd = prng(42);
  const pick = () => {
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
  return (n: number) => Array.from({ length: n }, pick).join(' ');
}

export async function storeScaleBench(dataDir: string, log: (s: string) => void): Promise<StoreScaleResult> {
  const services = createAppServices({ dataDir, host: 'cli', secretsKey: randomBytes(32), log: silentLogger, env: {} });
  try {
    const db = services.db;
    const words = vocabulary(5000);
    const text = textMaker(words);
    const t0 = Date.now() - 10 * 365 * 86_400_000;
    const chat = db.prepare(
      `INSERT INTO chats (id, title, model, created_at, updated_at, version, device_id) VALUES (?, ?, 'ollama/bench', ?, ?, 'v', 'bench')`,
    );
    const message = db.prepare(
      `INSERT INTO messages (id, chat_id, parent_id, role, content, model, status, created_at, updated_at, version, device_id)
       VALUES (?, ?, ?, ?, ?, NULL, 'done', ?, ?, 'v', 'bench')`,
    );
    const chatId = (i: number) => `chat-${String(i).padStart(6, '0')}`;
    function build(): { target: number; buildSeconds: number } {
      const tBuild = performance.now();
      db.transaction(() => {
        for (let i = 0; i < CHATS; i++) chat.run(chatId(i), `${text(3)} ${i}`, t0 + i * 60_000, t0 + i * 60_000);
      })();

      /** Messages go round-robin over the chats after chat 0, which gets BIG_CHAT of them. */
      let written = 0;
      const last = new Map<string, string>();
      const writeMessages = (count: number) =>
        db.transaction(() => {
          for (let k = 0; k < count; k++, written++) {
            const n = written;
            const c = n < BIG_CHAT ? chatId(0) : chatId(1 + ((n - BIG_CHAT) % (CHATS - 1)));
            const id = `m-${String(n).padStart(8, '0')}`;
            const role = n % 2 === 0 ? 'user' : 'assistant';
            message.run(id, c, last.get(c) ?? null, role, text(role === 'user' ? 12 : 40), t0 + n, t0 + n);
            last.set(c, id);
          }
        })();
      const calibrate = 20_000;
      const tCal = performance.now();
      writeMessages(calibrate);
      const perMessageMs = (performance.now() - tCal) / calibrate;
      const projectedS = (perMessageMs * FULL_MESSAGES) / 1000;
      const target = projectedS <= MAX_BUILD_S ? FULL_MESSAGES : SMALL_MESSAGES;
      log(
        `store scale: ${perMessageMs.toFixed(3)} ms per message (with FTS) → ${target.toLocaleString('en')} messages` +
          (target < FULL_MESSAGES ? ` (1,000,000 would take ~${projectedS.toFixed(0)} s here)` : ''),
      );
      writeMessages(target - calibrate);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.exec('ANALYZE');
      return { target, buildSeconds: (performance.now() - tBuild) / 1000 };
    }
    const marker = join(dataDir, 'bench-store.json');
    const cached = existsSync(marker)
      ? (JSON.parse(readFileSync(marker, 'utf8')) as { messages: number; buildSeconds: number })
      : null;
    const { target, buildSeconds } = cached ? { target: cached.messages, buildSeconds: cached.buildSeconds } : build();
    if (cached) log(`store scale: reusing the store built in ${dataDir} (${target.toLocaleString('en')} messages)`);
    else if (process.env.BENCH_STORE_CACHE) writeFileSync(marker, JSON.stringify({ messages: target, buildSeconds }));
    const dbBytes = (
      db.prepare(`SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()`).get() as {
        n: number;
      }
    ).n;

    const time = async (fn: () => Promise<unknown>) => {
      const t = performance.now();
      const r = (await fn()) as { ok: boolean; error?: { message: string } };
      if (!r.ok) throw new Error(`store bench call failed: ${r.error?.message}`);
      return performance.now() - t;
    };
    const call = (m: string, input: unknown) => () => services.router.call(m, input);

    // Warm-up once each (prepared statements, page cache), then measure.
    await time(call('chats.list', { limit: 50 }));
    const list: number[] = [];
    for (let i = 0; i < RUNS; i++) list.push(await time(call('chats.list', { limit: 50 })));

    // Queries: single words across the frequency range, two-word queries, and prefixes as typed.
    const queries: string[] = [];
    const ranks = [3, 10, 30, 60, 100, 200, 400, 700, 1000, 1500, 2000, 3000, 4000, 4900];
    for (const r of ranks) queries.push(words[r]!);
    for (let i = 0; i < 14; i++) queries.push(`${words[5 + i * 7]!} ${words[50 + i * 97]!}`);
    for (let i = 0; i < 14; i++) queries.push(words[20 + i * 150]!.slice(0, 3 + (i % 3)));
    for (let i = 0; i < 8; i++) queries.push(`${words[i * 11]!} ${words[300 + i * 200]!.slice(0, 3)}`);
    await time(call('search.query', { query: queries[0] }));
    const search: number[] = [];
    const slow: string[] = [];
    const each: [string, number][] = [];
    for (const q of queries.slice(0, RUNS)) {
      const t = await time(call('search.query', { query: q }));
      search.push(t);
      each.push([q, t]);
      if (t > STORE_TARGETS.searchP95Ms) slow.push(`"${q}" ${t.toFixed(0)} ms`);
    }
    const slowestSearches = each
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([q, t]) => `"${q}" ${t.toFixed(1)} ms`);
    if (slow.length) log(`store scale: searches over target: ${slow.join(', ')}`);

    await time(call('chats.get', { id: chatId(0) }));
    const open: number[] = [];
    for (let i = 0; i < RUNS; i++) open.push(await time(call('chats.get', { id: chatId(0) })));

    return {
      chats: CHATS,
      messages: target,
      scaledDown: target < FULL_MESSAGES,
      bigChatMessages: BIG_CHAT,
      buildSeconds,
      dbBytes,
      listFirstPage: summarize(list),
      search: summarize(search),
      searchQueries: queries.length,
      slowestSearches,
      openBigChat: summarize(open),
      targets: STORE_TARGETS,
    };
  } finally {
    await services.close();
  }
}

/** `npx tsx bench/lib/store-scale.ts`: this part of the bench alone, printed as JSON. */
if (process.argv[1]?.endsWith('store-scale.ts')) {
  const cache = process.env.BENCH_STORE_CACHE;
  const dir = cache ?? mkdtempSync(join(tmpdir(), 'hearth-store-'));
  mkdirSync(dir, { recursive: true });
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  storeScaleBench(dir, log)
    .then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'))
    .catch((err: unknown) => {
      log(`store scale failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exitCode = 1;
    })
    .finally(() => {
      if (!cache) rmSync(dir, { recursive: true, force: true });
    });
}
