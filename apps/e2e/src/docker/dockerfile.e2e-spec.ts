import { APP_NAMES, DOCKERFILE, read, type Repo, withRepo } from './deployment-repo';
import { checkDockerfile } from './dockerfile-checks';
import { execForm, last, parseDockerfile, type Stage } from './dockerfile-parser';

/**
 * docker/Dockerfile, checked statically (no Docker engine runs here): its stages, and every check against
 * the repository; then the file, and /.dockerignore, broken on purpose for the checks to notice.
 */
describe('docker files', () => {
  let repo: Repo;
  const dockerfile = read(DOCKERFILE);

  withRepo((opened) => (repo = opened.repo));

  describe('docker/Dockerfile', () => {
    it('has the stages deps, build, prod-deps, runtime and one per app; APP picks the app', () => {
      const df = parseDockerfile(dockerfile);
      expect(df.stages.map((s) => s.name)).toEqual([
        'base',
        'deps',
        'build',
        'prod-deps',
        'runtime',
        'app-cache-node',
        'app-gateway',
        'app-ttl-worker',
        String(df.stages.length - 1),
      ]);
      expect(df.stages[df.stages.length - 1].from).toBe('app-${APP}');
      expect(df.globalArgs.get('APP')).toBe('gateway');
    });

    it('passes every check', () => {
      expect(checkDockerfile(dockerfile, repo)).toEqual([]);
    });

    it('runs each app as its build output, as the node user, with its health check', () => {
      const df = parseDockerfile(dockerfile);
      for (const app of APP_NAMES) {
        const s = df.stages.find((st) => st.name === `app-${app}`) as Stage;
        expect(execForm(last(s, 'CMD')?.args ?? '')).toEqual(['node', `dist/apps/${app}/main.js`]);
        expect(last(s, 'HEALTHCHECK')?.args).toContain(`CMD ["node", "healthcheck.js", "${app}"]`);
      }
      const runtime = df.stages.find((s) => s.name === 'runtime') as Stage;
      expect(last(runtime, 'USER')?.args).toBe('node');
    });
  });

  describe('the checks catch mistakes', () => {
    const breakDockerfile = (from: string | RegExp, to: string) => {
      expect(dockerfile).toMatch(from);
      return checkDockerfile(dockerfile.replace(from, to), repo);
    };

    it('in the Dockerfile', () => {
      expect(breakDockerfile('COPY --from=build /app/dist', 'COPY --from=builder /app/dist')).toEqual(
        expect.arrayContaining([expect.stringMatching(/: COPY --from=builder names no earlier stage$/)]),
      );
      expect(breakDockerfile('USER node', 'USER root')).toEqual(
        APP_NAMES.map((app) => `stage app-${app}: runs as root, not a user`),
      );
      expect(breakDockerfile('"dist/apps/gateway/main.js"', '"dist/gateway/main.js"')).toContain(
        'stage app-gateway: CMD ["node","dist/gateway/main.js"], expected ["node", "dist/apps/gateway/main.js"]',
      );
      expect(breakDockerfile('EXPOSE 9999', 'EXPOSE 9000')).toContain(
        'stage app-gateway: EXPOSE 9000, the defaults are 9999',
      );
      expect(breakDockerfile('COPY tools/build ./tools/build', 'COPY tools/builds ./tools/build')).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/COPY tools\/builds: no such path$/),
          'stage build: tools/build/compile-node.mjs is not copied',
        ]),
      );
      expect(breakDockerfile('COPY libs ./libs', 'COPY libs/config ./libs/config')).toEqual(
        expect.arrayContaining(['stage build: libs/app-shell/src/index.ts is not copied']),
      );
      expect(breakDockerfile('FROM node:20-bookworm-slim AS base', 'FROM node:latest AS base')).toContain(
        'stage base: FROM node:latest must name a stage or a tagged image',
      );
      expect(breakDockerfile(/RUN npm ci --omit=dev[^\n]*/, 'RUN npm ci --ignore-scripts')).toContain(
        'stage prod-deps: RUN npm ci --omit=dev',
      );
      expect(breakDockerfile('"healthcheck.js", "gateway"', '"healthcheck.js", "cache-node"')).toContain(
        'stage app-gateway: HEALTHCHECK CMD ["node", "healthcheck.js", "gateway"]',
      );
      expect(breakDockerfile('COPY docker/healthcheck.js', 'COPY docker/health.js')).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/COPY docker\/health\.js: no such path$/),
          'stage runtime: copy docker/healthcheck.js from the context to healthcheck.js',
        ]),
      );
    });

    it('in .dockerignore', () => {
      const withLibs = { ...repo, dockerignore: [...repo.dockerignore, 'libs'] };
      expect(checkDockerfile(dockerfile, withLibs)).toEqual(
        expect.arrayContaining([expect.stringMatching(/COPY libs is excluded by .dockerignore$/)]),
      );
      const withProto = { ...repo, dockerignore: [...repo.dockerignore, '**/*.proto'] };
      expect(checkDockerfile(dockerfile, withProto)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^.dockerignore leaves out libs\/.*\.proto, which the build reads$/),
        ]),
      );
    });
  });
});
