import { describe, expect, it } from 'vitest';
import { currentPath, newestLeaf, newestLeafUnder, pathTo, resolveLeaf, siblingsOf } from './message-tree';

// u1 ─ a1 ─ u2 ─ a2
//    └ a1b         └ a2b (newest)
//  u1e ─ a3 (edited first question, older than a2b)
const m = (id: string, parentId: string | null, createdAt: number) => ({ id, parentId, createdAt });
const tree = [
  m('u1', null, 1),
  m('a1', 'u1', 2),
  m('u2', 'a1', 3),
  m('a2', 'u2', 4),
  m('a1b', 'u1', 5),
  m('u1e', null, 6),
  m('a3', 'u1e', 7),
  m('a2b', 'u2', 8),
];

describe('message tree', () => {
  it('finds the path from the root to a message', () => {
    expect(pathTo(tree, 'a2').map((x) => x.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(pathTo(tree, 'a3').map((x) => x.id)).toEqual(['u1e', 'a3']);
    expect(pathTo(tree, 'nope')).toEqual([]);
    expect(pathTo(tree, null)).toEqual([]);
  });

  it('lists siblings oldest first with the index of the message', () => {
    expect(siblingsOf(tree, 'a2b')).toEqual({ siblings: [tree[3], tree[7]], index: 1 });
    expect(siblingsOf(tree, 'u1e').siblings.map((x) => x.id)).toEqual(['u1', 'u1e']);
    expect(siblingsOf(tree, 'a1').siblings.map((x) => x.id)).toEqual(['a1', 'a1b']);
  });

  it('finds the newest leaf overall and under a message', () => {
    expect(newestLeaf(tree)?.id).toBe('a2b');
    expect(newestLeaf([])).toBeNull();
    expect(newestLeafUnder(tree, 'u1')?.id).toBe('a2b');
    expect(newestLeafUnder(tree, 'a1b')?.id).toBe('a1b');
    expect(newestLeafUnder(tree, 'u1e')?.id).toBe('a3');
  });

  it('shows the branch of currentLeafId, resolved to its newest leaf, else the newest leaf', () => {
    expect(currentPath(tree, null).map((x) => x.id)).toEqual(['u1', 'a1', 'u2', 'a2b']);
    expect(currentPath(tree, 'a2').map((x) => x.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(currentPath(tree, 'u1e').map((x) => x.id)).toEqual(['u1e', 'a3']);
    expect(resolveLeaf(tree, 'deleted-id')?.id).toBe('a2b');
  });

  it('breaks timestamp ties by id (UUIDv7 order) and survives a cycle', () => {
    expect(newestLeaf([m('b', null, 1), m('a', null, 1)])?.id).toBe('b');
    expect(pathTo([m('x', 'y', 1), m('y', 'x', 2)], 'x').map((n) => n.id)).toEqual(['y', 'x']);
  });
});
