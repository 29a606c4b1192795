/**
 * Reads the container files the way Docker does, for the tests that check them without Docker:
 * the Dockerfile (stages, instructions, line continuations, exec-form JSON), .dockerignore
 * (Docker's patterns, last match wins, `!` re-includes, a matched folder excludes its contents),
 * and Compose's `${VAR}` interpolation. Also how the image's command maps onto this checkout, so
 * build/container-smoke.test.ts runs exactly the image's CMD under Node.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

export const ROOT = join(__dirname, '..');

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuations joined. */
  args: string;
}

export interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

/** Stages in order; instructions before the first FROM (ARG, comments) are ignored. */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    // Comments and empty lines may sit inside a continued instruction; Docker skips them.
    if (line.startsWith('#') || line === '') continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1).trim() + ' ';
      continue;
    }
    logical.push((current + line).trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\S+)\s*(.*)$/s.exec(line)!;
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!;
    if (keyword === 'FROM') {
      const f = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!f) throw new Error(`Cannot read FROM ${args}`);
      stages.push({ from: f[1]!, name: f[2] ?? null, instructions: [] });
    } else if (stages.length) stages.at(-1)!.instructions.push({ keyword, args });
  }
  return stages;
}

export function readDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
}

export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The exec (JSON) form of CMD, ENTRYPOINT, HEALTHCHECK CMD, VOLUME; null for the shell form. */
export function execForm(args: string): string[] | null {
  if (!args.trim().startsWith('[')) return null;
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`Not a JSON array: ${args}`);
  return parsed;
}

/** `ENV A=1 B="two words"` (and the old `ENV A value` form), all ENV lines of a stage merged. */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of all(stage, 'ENV')) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
      const [name, ...rest] = args.split(/\s+/);
      env[name!] = rest.join(' ');
      continue;
    }
    for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
      const v = m[2]!;
      env[m[1]!] = v.startsWith('"') ? (JSON.parse(v) as string) : v.startsWith("'") ? v.slice(1, -1) : v;
    }
  }
  return env;
}

export interface Healthcheck {
  options: Record<string, string>;
  /** The exec form after CMD. */
  command: string[];
}

export function healthcheck(stage: Stage): Healthcheck | null {
  const hc = all(stage, 'HEALTHCHECK').at(-1);
  if (!hc) return null;
  const m = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(.*)$/s.exec(hc.args);
  if (!m) throw new Error(`HEALTHCHECK without CMD: ${hc.args}`);
  const options = Object.fromEntries([...m[1]!.matchAll(/--([a-z-]+)=(\S+)/g)].map((o) => [o[1]!, o[2]!]));
  const command = execForm(m[2]!);
  if (!command) throw new Error('HEALTHCHECK CMD is not in exec form');
  return { options, command };
}

/** `ln -s TARGET LINK` in the stage's RUN lines: LINK → TARGET. */
export function symlinks(stage: Stage): Map<string, string> {
  const links = new Map<string, string>();
  for (const { args } of all(stage, 'RUN')) {
    for (const m of args.matchAll(/\bln\s+-s[f]?\s+(\S+)\s+(\S+)/g)) links.set(m[2]!, m[1]!);
  }
  return links;
}

/** `COPY --from=STAGE SRC DEST`: DEST (absolute, resolved against WORKDIR) → SRC in that stage. */
export function copiesFrom(stage: Stage, from: string): Map<string, string> {
  const copies = new Map<string, string>();
  let workdir = '/';
  for (const i of stage.instructions) {
    if (i.keyword === 'WORKDIR') workdir = posix.resolve(workdir, i.args.trim());
    if (i.keyword !== 'COPY') continue;
    const words = i.args.split(/\s+/);
    const flags = words.filter((w) => w.startsWith('--'));
    if (!flags.includes(`--from=${from}`)) continue;
    const [src, dest] = words.filter((w) => !w.startsWith('--'));
    copies.set(posix.resolve(workdir, dest!), src!);
  }
  return copies;
}

export function workdir(stage: Stage): string {
  return all(stage, 'WORKDIR').reduce((dir, i) => posix.resolve(dir, i.args.trim()), '/');
}

/**
 * The image's command as a command line on this machine: a program reached through a symlink
 * the Dockerfile makes (/usr/local/bin/hearth → /app/electron/serve/hearth.cjs) runs as that
 * file of this checkout under this Node, as its `#!/usr/bin/env node` line does in the image.
 */
export function hostCommand(stage: Stage, command: string[]): { file: string; args: string[] } {
  const [program, ...args] = command;
  if (program === 'node') {
    const [script, ...rest] = args;
    return { file: process.execPath, args: [toHost(stage, script!), ...rest] };
  }
  const links = symlinks(stage);
  const inImage = links.get(program!) ?? links.get(`/usr/local/bin/${program}`);
  if (!inImage) throw new Error(`The image's command "${program}" is not a link the Dockerfile makes`);
  return { file: process.execPath, args: [toHost(stage, inImage), ...args] };
}

/** A path in the image (absolute, or relative to WORKDIR) → the same file in this checkout. */
export function toHost(stage: Stage, path: string): string {
  const app = workdir(stage);
  const abs = posix.resolve(app, path);
  if (!abs.startsWith(app + '/')) throw new Error(`${path} is outside the image's WORKDIR ${app}`);
  return join(ROOT, abs.slice(app.length + 1));
}

// ---- .dockerignore ----------------------------------------------------------------------------

export interface IgnoreRule {
  pattern: RegExp;
  negate: boolean;
}

/** Docker's pattern syntax (Go's filepath.Match plus `**`), anchored at the context's root. */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    let re = '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (c === '*' && line[i + 1] === '*') {
        // `**/` matches any number of folders, including none; a trailing `**` anything.
        if (line[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    rules.push({ pattern: new RegExp(`^${re}$`), negate });
  }
  return rules;
}

/**
 * Is this path (relative, `/`-separated) left out of the build context? As Docker decides it
 * (MatchesOrParentMatches): each rule in order that matches the path or one of its parent folders
 * excludes it, or with `!` includes it again; the last one wins.
 */
export function ignored(rules: IgnoreRule[], path: string): boolean {
  const parts = path.split('/');
  const prefixes = parts.map((_, n) => parts.slice(0, n + 1).join('/'));
  let excluded = false;
  for (const rule of rules) {
    if (prefixes.some((p) => rule.pattern.test(p))) excluded = !rule.negate;
  }
  return excluded;
}

// ---- Compose interpolation ------------------------------------------------------------------

/**
 * Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}` and
 * `$$`. Throws the error text the way `docker compose` refuses to start.
 */
export function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare)!;
      const v = vars[name];
      const missing = op?.startsWith(':') ? v === undefined || v === '' : v === undefined;
      if (op?.endsWith('-')) return missing ? arg! : v!;
      if (op?.endsWith('?')) {
        if (missing) throw new Error(`required variable ${name} is missing a value: ${arg}`);
        return v!;
      }
      return v ?? '';
    },
  );
}

/** Every value in a parsed YAML tree, interpolated. */
export function interpolateTree<T>(tree: T, vars: Record<string, string | undefined>): T {
  if (typeof tree === 'string') return interpolate(tree, vars) as T;
  if (Array.isArray(tree)) return tree.map((x: unknown) => interpolateTree(x, vars)) as T;
  if (tree && typeof tree === 'object') {
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, interpolateTree(v, vars)])) as T;
  }
  return tree;
}
