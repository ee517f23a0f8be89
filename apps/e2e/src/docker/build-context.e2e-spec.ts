import { type Repo, withRepo } from './deployment-repo';
import { ignored } from './dockerignore';

/**
 * The build context: the repository as the deployment checks read it (settings, apps, compiled files),
 * and /.dockerignore, matched as Docker matches it, leaving out what the image must not hold.
 */
describe('docker files', () => {
  let repo: Repo;

  withRepo((opened) => (repo = opened.repo));

  describe('the repository, as the checks read it', () => {
    it('lists the settings from the config README, and the three apps from their project.json', () => {
      expect(repo.variables.get('RINGCACHE_NODE_NAME')).toBe('node.name');
      expect(repo.variables.get('RINGCACHE_GATEWAY_HOST')).toBe('gateway.host');
      expect(repo.variables.size).toBeGreaterThanOrEqual(30);
      expect([...repo.builds.keys()].sort()).toEqual(['cache-node', 'gateway', 'ttl-worker']);
      expect(repo.compiled).toEqual(
        expect.arrayContaining([
          'apps/gateway/src/main.ts',
          'libs/config/src/index.ts',
          'tsconfig.base.json',
        ]),
      );
      expect(repo.builds.get('gateway')).toMatchObject({
        script: 'tools/build/compile-node.mjs',
        outDir: 'dist/apps/gateway',
      });
    });

    it('matches .dockerignore patterns as Docker does', () => {
      const patterns = [
        'node_modules',
        '**/node_modules',
        'dist',
        '*.log',
        '**/*.log',
        'bench/results',
        '!keep.log',
      ];
      expect(ignored(patterns, 'node_modules/yaml/package.json')).toBe(true);
      expect(ignored(patterns, 'libs/lru/node_modules')).toBe(true);
      expect(ignored(patterns, 'dist')).toBe(true);
      expect(ignored(patterns, 'libs/dist-helpers/index.ts')).toBe(false);
      expect(ignored(patterns, 'npm-debug.log')).toBe(true);
      expect(ignored(patterns, 'apps/gateway/x.log')).toBe(true);
      expect(ignored(patterns, 'keep.log')).toBe(false);
      expect(ignored(patterns, 'bench/results/a.json')).toBe(true);
      expect(ignored(patterns, 'bench/other.json')).toBe(false);
    });
  });

  describe('.dockerignore', () => {
    it.each([
      'node_modules',
      'dist',
      '.git',
      '.nx',
      'coverage',
      'tmp',
      'data',
      'bench/results',
      'npm-debug.log',
    ])('leaves out %s', (path) => {
      expect(ignored(repo.dockerignore, path)).toBe(true);
    });

    it.each(['libs/lru/node_modules/x.js', 'apps/gateway/jest-results.json'])(
      'leaves out nested %s',
      (path) => {
        expect(ignored(repo.dockerignore, path)).toBe(true);
      },
    );
  });
});
