/**
 * The server's production build: apps/server/src/main.ts and the workspace packages it uses
 * (@chairside/core, @chairside/simulator, shipped as TypeScript) bundled into one ES module,
 * dist/main.js. Running it needs plain node, not tsx: tsx keeps a loader thread and esbuild
 * in the process, about 100 MB of RSS a clinic server has no use for.
 *
 * Packages from npm stay external and load from node_modules as usual (native better-sqlite3
 * cannot be bundled, and the others gain nothing from it).
 */
import { build } from 'esbuild';
import { dirname, join, relative } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, 'dist');

/** Every bare import is external except our own workspace packages, which are bundled. */
const externalNpm = {
  name: 'external-npm',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@chairside/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * `import.meta.url` means the file it is written in (app.ts finds apps/web/dist, players.ts the
 * shared PhysioNet folder relative to themselves). In one bundle it would be dist/main.js for
 * every file; it is rewritten to the source file's URL, computed from the bundle's own location
 * so the checkout can still be moved after a build.
 */
const sourceMetaUrl = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const rel = relative(outdir, args.path).split('\\').join('/');
      return {
        contents: source.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(rel)}, import.meta.url).href`,
        ),
        loader: 'ts',
      };
    });
  },
};

await build({
  entryPoints: [join(here, 'src/main.ts')],
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // dist/main.js.map: run with node --enable-source-maps to see TypeScript lines in a stack
  // trace (not on by default: it makes every logged error's stack slower to build).
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [externalNpm, sourceMetaUrl],
});
console.log(`built ${pathToFileURL(join(outdir, 'main.js')).href}`);
