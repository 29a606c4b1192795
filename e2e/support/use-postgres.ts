/** usePostgres for vitest files (postgres.ts itself stays free of vitest, for Playwright and the bench). */
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type StartPostgresOptions, type TestPostgres } from './postgres';

/**
 * One cluster for a test file: started in beforeAll, removed in afterAll (which vitest runs also
 * when tests fail). Call the getter inside tests and hooks, not at collection time.
 */
export function usePostgres(opts: StartPostgresOptions = {}): () => TestPostgres {
  let cluster: TestPostgres | undefined;
  beforeAll(async () => {
    cluster = await startPostgres(opts);
  }, 60_000);
  afterAll(async () => {
    await cluster?.remove();
  });
  return () => {
    if (!cluster) throw new Error('usePostgres: the cluster is not running (use the getter inside a test or hook)');
    return cluster;
  };
}
