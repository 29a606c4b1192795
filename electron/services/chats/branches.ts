/**
 * Branch helpers for the services. The tree logic itself is pure and lives in
 * shared/message-tree.ts so the renderer computes the same path from the same messages.
 */
export { currentPath, newestLeafUnder, pathTo, resolveLeaf, siblingsOf } from '../../../shared/message-tree';
