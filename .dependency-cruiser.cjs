/** Dependency direction (DESIGN.md / STYLE.md): web, oidc and cli use core; adapters implement core's ports. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'The domain core knows no HTTP, SQL, SMTP or OIDC library and no outer folder.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: {
        path: '^(src/(web|store|oidc|cli|mail|counters|passwords)/|src/(app|services|config|seed-demo)\\.ts)|node_modules/(fastify|@fastify|kysely|better-sqlite3|pg|nodemailer|oidc-provider|openid-client|jose|pino|hono)/',
      },
    },
    {
      name: 'front-doors-skip-the-store',
      comment: 'web, oidc and the admin API reach persistence only through core ports.',
      severity: 'error',
      from: { path: '^src/(web|oidc|admin)/' },
      to: { path: '^src/store/' },
    },
    {
      name: 'adapters-do-not-use-front-doors',
      severity: 'error',
      from: { path: '^src/(store|passwords|mail|counters)/' },
      to: { path: '^src/(web|oidc|cli|admin)/' },
    },
    {
      name: 'nothing-imports-the-composition-root',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/app\\.ts$' },
    },
    // Type-only cycles (an interface naming another's type) vanish at run time; value cycles may not.
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true, dependencyTypesNot: ['type-only'] } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
