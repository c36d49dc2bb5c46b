import { after, describe } from 'node:test';
import { dialects } from '../fixtures/server.ts';
import { adminContract } from './contract/admin.ts';
import { adminResourcesContract } from './contract/admin-resources.ts';
import { directoryContract } from './contract/directory.ts';
import { journeysContract } from './contract/journeys.ts';
import type { OpenStore } from './contract/kit.ts';
import { oidcContract } from './contract/oidc.ts';
import { plumbingContract } from './contract/plumbing.ts';
import { emptiedDatabases } from './databases.ts';

/**
 * The Store port's contract (src/core/ports.ts), as one suite any adapter must pass. `openStore`
 * gives each test a migrated store holding no data.
 */
export function describeStore(name: string, openStore: OpenStore): void {
  describe(`Store contract: ${name}`, () => {
    directoryContract(openStore);
    journeysContract(openStore);
    oidcContract(openStore);
    plumbingContract(openStore);
    adminContract(openStore);
    adminResourcesContract(openStore);
  });
}

for (const dialect of dialects()) {
  const databases = emptiedDatabases(dialect);
  after(() => databases.dropAll());
  describeStore(dialect, databases.open);
}
