/** Initial JS + CSS of the built renderer: what index.html loads, raw and gzip -9 bytes. */
import { readFileSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface AssetSize {
  file: string;
  kind: 'js' | 'css';
  raw: number;
  gzip: number;
}

export interface BundleSizes {
  assets: AssetSize[];
  js: { raw: number; gzip: number };
  css: { raw: number; gzip: number };
  total: { raw: number; gzip: number };
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3] ?? null) : null;
}

/** Script src, stylesheet and modulepreload hrefs in document order (external, same-origin only). */
export function initialAssets(html: string): { href: string; kind: 'js' | 'css' }[] {
  const found: { href: string; kind: 'js' | 'css' }[] = [];
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of withoutComments.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const tag = m[0];
    if (m[1]!.toLowerCase() === 'script') {
      const src = attr(tag, 'src');
      if (src) found.push({ href: src, kind: 'js' });
    } else {
      const rel = (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
      const href = attr(tag, 'href');
      if (!href) continue;
      if (rel.includes('stylesheet')) found.push({ href, kind: 'css' });
      else if (rel.includes('modulepreload')) found.push({ href, kind: 'js' });
    }
  }
  return found.filter((a) => !/^([a-z]+:)?\/\//i.test(a.href));
}

export function measureBundle(rendererDir: string): BundleSizes {
  const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
  const refs = initialAssets(html);
  if (!refs.some((r) => r.kind === 'js')) throw new Error(`${rendererDir}/index.html loads no script`);
  const seen = new Set<string>();
  const assets: AssetSize[] = [];
  for (const { href, kind } of refs) {
    const rel = decodeURIComponent(href.split(/[?#]/)[0]!).replace(/^\.?\//, '');
    const file = normalize(join(rendererDir, rel));
    if (!file.startsWith(normalize(rendererDir) + sep))
      throw new Error(`index.html references ${href} outside ${rendererDir}`);
    if (seen.has(file)) continue;
    seen.add(file);
    const bytes = readFileSync(file);
    assets.push({ file: rel, kind, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  const sum = (list: AssetSize[]) => ({
    raw: list.reduce((a, b) => a + b.raw, 0),
    gzip: list.reduce((a, b) => a + b.gzip, 0),
  });
  return {
    assets,
    js: sum(assets.filter((a) => a.kind === 'js')),
    css: sum(assets.filter((a) => a.kind === 'css')),
    total: sum(assets),
  };
}
