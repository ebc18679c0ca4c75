// Source files turned into JavaScript modules at build time, for esbuild (the bundle) and for
// vite (the tests) alike: templates precompiled.

/** Both plugins for files ending in `extension`, `toModule(source, path)` giving the module's code. */
export function buildTimeModules(name, extension, toModule) {
  return {
    esbuild: {
      name,
      setup(build) {
        build.onLoad({ filter: new RegExp(`\\${extension}$`) }, async (args) => {
          const { readFile } = await import('node:fs/promises');
          return { contents: await toModule(await readFile(args.path, 'utf8'), args.path), loader: 'js' };
        });
      },
    },
    vite: {
      name,
      async transform(code, id) {
        return id.endsWith(extension) ? { code: await toModule(code, id), map: null } : undefined;
      },
    },
  };
}
