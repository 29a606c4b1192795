/**
 * The gallery against every order fast-check finds: a server timeline of images added, deleted and
 * restored (each an 'images.changed' event, delivered in order), and an images.list sent at one
 * point, read at a later one and answered at any point. Once every event has arrived, the gallery
 * shows exactly the server's images, newest first, and counts them right.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventPayload } from '../../../../shared/contract';
import type { GalleryImage } from '../../../../shared/types/images';

type Listener = (payload: unknown) => void;
type Pending = { method: string; input: unknown; resolve: (v: unknown) => void };

const fake = vi.hoisted(() => {
  const state = { pending: [] as Pending[], listeners: new Map<string, Set<Listener>>() };
  const client = {
    call(method: string, input: unknown) {
      return new Promise((resolve) => state.pending.push({ method, input, resolve }));
    },
    on(event: string, listener: Listener) {
      if (!state.listeners.has(event)) state.listeners.set(event, new Set());
      state.listeners.get(event)!.add(listener);
      return () => state.listeners.get(event)!.delete(listener);
    },
  };
  return { state, client };
});

vi.mock('../../client', () => ({
  client: fake.client,
  onConnectionChange: () => () => {},
  ClientError: class ClientError extends Error {},
  transport: 'http',
}));

const { createAppStore, wireEvents } = await import('../../app/store');

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

type Op = { kind: 'add' } | { kind: 'delete'; pick: number } | { kind: 'restore'; pick: number };

interface Server {
  rows: Map<string, { row: GalleryImage; deleted: boolean }>;
}

/** Play the ops on a server; each step's event and the list a read after it would give. */
function timeline(ops: Op[]) {
  const server: Server = { rows: new Map() };
  let version = 0;
  let n = 0;
  const v = () => `${String(++version).padStart(13, '0')}-0000-dev`;
  const snapshot = () => {
    const live = [...server.rows.values()].filter((e) => !e.deleted).map((e) => e.row);
    live.sort((a, b) => b.createdAt - a.createdAt);
    return { images: live, total: live.length, asOf: v() };
  };
  const events: EventPayload<'images.changed'>[] = [];
  const lists = [snapshot()];
  for (const op of ops) {
    const all = [...server.rows.values()];
    if (op.kind === 'add') {
      n++;
      const row = {
        id: `0190${String(n).padStart(4, '0')}-0000-7000-8000-000000000000`,
        prompt: `image ${n}`,
        createdAt: n * 10,
        version: v(),
      } as GalleryImage;
      server.rows.set(row.id, { row, deleted: false });
      events.push({ added: [row], deleted: [] });
    } else {
      const want = all.filter((e) => e.deleted === (op.kind === 'restore'));
      const e = want[op.pick % Math.max(1, want.length)];
      if (!e) {
        events.push({ added: [], deleted: [] });
      } else if (op.kind === 'delete') {
        e.deleted = true;
        e.row = { ...e.row, version: v() };
        events.push({ added: [], deleted: [{ id: e.row.id, version: e.row.version }] });
      } else {
        e.deleted = false;
        e.row = { ...e.row, version: v() };
        events.push({ added: [e.row], deleted: [] });
      }
    }
    lists.push(snapshot());
  }
  return { events, lists, final: lists[lists.length - 1]! };
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'add' as const }),
  fc.nat(20).map((pick) => ({ kind: 'delete' as const, pick })),
  fc.nat(20).map((pick) => ({ kind: 'restore' as const, pick })),
);

beforeEach(() => {
  fake.state.pending = [];
  fake.state.listeners.clear();
});

describe('gallery ordering', () => {
  it('a list sent, read and answered at any point ends as the server is', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        async (ops, sRaw, kRaw, aRaw, preloaded) => {
          fake.state.pending = [];
          fake.state.listeners.clear();
          const store = createAppStore();
          wireEvents(store.getState, fake.client.on as never);
          const emit = (p: EventPayload<'images.changed'>) => {
            for (const l of fake.state.listeners.get('images.changed') ?? []) l(p);
          };
          const { events, lists, final } = timeline(ops);
          const N = events.length;
          const sent = sRaw % (N + 1);
          const read = sent + (kRaw % (N + 1 - sent));
          const answered = sent + (aRaw % (N + 1 - sent));

          if (preloaded) {
            const first = store.getState().loadGallery();
            fake.state.pending.shift()!.resolve(lists[0]);
            await first;
          }
          for (let i = 0; i < sent; i++) emit(events[i]!);
          const loading = store.getState().loadGallery({ keep: preloaded });
          const call = fake.state.pending.shift()!;
          for (let i = sent; i < answered; i++) emit(events[i]!);
          call.resolve(lists[read]);
          await loading;
          await settle();
          for (let i = answered; i < N; i++) emit(events[i]!);

          const s = store.getState();
          expect(s.galleryImages.map((r) => r.id)).toEqual(final.images.map((r) => r.id));
          expect(s.galleryImages.map((r) => r.version)).toEqual(final.images.map((r) => r.version));
          expect(s.galleryTotal).toBe(final.total);
        },
      ),
      { numRuns: 250 },
    );
  });
});
