import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { parse as parseYaml } from 'yaml';

import { loadConfig, type RingcacheConfig } from '@ringcache/config';
import { DEMO_STUDENTS, DEMO_TABLE, parseMysqlUrl } from '@ringcache/data-source';

import {
  type ComposeFile,
  dependsOn,
  environmentOf,
  flagsOf,
  healthTest,
  portsOf,
  strings,
  urlOf,
} from './compose-file';
import { composeTlsProblems, isOneShot, withLocalCerts } from './compose-tls';
import { type App, APP_NAMES, APPS, DOCKERFILE, isApp, type Repo, ROOT } from './deployment-repo';
import { envOf, parseDockerfile } from './dockerfile-parser';

/** What checking a compose file found. */
export interface ComposeModel {
  problems: string[];
  /** App services by name, with their role and the environment their container gets. */
  apps: Map<string, { app: App; env: Record<string, string> }>;
}

/**
 * Every problem of the compose file `text` against the repository and the Dockerfile: its images and
 * builds, health checks, dependencies, ports and volumes, the etcd members, MySQL and its demo data, and
 * each app's environment as the config loader reads it; with the app services it found.
 */
export function checkCompose(text: string, repo: Repo, dockerfileText: string): ComposeModel {
  const problems: string[] = [];
  const apps = new Map<string, { app: App; env: Record<string, string> }>();
  const compose = parseYaml(text, { merge: true }) as ComposeFile;
  for (const value of strings(compose))
    if (value.includes('$')) problems.push(`no interpolation, values are written out: ${value}`);
  const services = compose.services ?? {};
  const names = Object.keys(services);
  const composeDir = join(ROOT, 'docker');
  const runtime = parseDockerfile(dockerfileText).stages.find((s) => s.name === 'runtime');
  const imageEnv = Object.fromEntries(runtime ? envOf(runtime) : []);

  const etcd = names.filter((n) => services[n].image?.includes('/etcd:'));
  const mysql = names.filter((n) => /^(mysql|mariadb):/.test(services[n].image ?? ''));
  if (etcd.length !== 3) problems.push(`expected 3 etcd members, found ${etcd}`);
  if (mysql.length !== 1) problems.push(`expected one MySQL, found ${mysql}`);

  const imageOfApp = new Map<string, string>();
  const publishedBy = new Map<string, string>();
  for (const name of names) {
    const service = services[name];
    // An image, or a build of this Dockerfile for one app.
    if (service.build !== undefined) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      const context = resolve(composeDir, build.context ?? '.');
      const app = build.args?.['APP'];
      if (context !== ROOT)
        problems.push(`${name}: build context ${build.context} is not the repository root`);
      if (resolve(context, build.dockerfile ?? 'Dockerfile') !== join(ROOT, DOCKERFILE))
        problems.push(`${name}: builds ${build.dockerfile}, not ${DOCKERFILE}`);
      if (!isApp(app)) problems.push(`${name}: build arg APP=${String(app)} is not an app`);
      else {
        apps.set(name, { app, env: {} });
        const image = service.image ?? `(unnamed ${name})`;
        if ((imageOfApp.get(app) ?? image) !== image)
          problems.push(`${name}: ${app} images differ (${image})`);
        imageOfApp.set(app, image);
      }
    } else if (!service.image) problems.push(`${name}: neither image nor build`);
    else if (!/^[\w./-]+:[\w.-]+$/.test(service.image) || service.image.endsWith(':latest'))
      problems.push(`${name}: image ${service.image} has no pinned tag`);

    const test = service.healthcheck?.test;
    if (isOneShot(name, services)) {
      // Runs to its end: others wait for its success, not its health.
    } else if (
      !test ||
      service.healthcheck?.disable ||
      !/^(CMD|CMD-SHELL)$/.test(Array.isArray(test) ? test[0] : 'CMD-SHELL')
    )
      problems.push(`${name}: no health check`);

    for (const [dependency, { condition }] of Object.entries(dependsOn(service))) {
      if (!services[dependency]) problems.push(`${name}: depends on ${dependency}, which is not a service`);
      else if (isOneShot(dependency, services)) {
        if (condition !== 'service_completed_successfully')
          problems.push(`${name}: depends on ${dependency} without condition service_completed_successfully`);
      } else if (condition !== 'service_healthy')
        problems.push(`${name}: depends on ${dependency} without condition service_healthy`);
    }

    for (const port of portsOf(service)) {
      if (!Number.isInteger(port.target)) problems.push(`${name}: bad port ${JSON.stringify(port)}`);
      if (port.published === undefined) continue;
      const key = `${port.hostIp ?? '0.0.0.0'}:${port.published}`;
      if (publishedBy.has(key))
        problems.push(`${name}: host port ${key} is taken by ${publishedBy.get(key)}`);
      publishedBy.set(key, name);
    }

    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : (volume.source ?? '');
      if (source.startsWith('.') && !existsSync(resolve(composeDir, source)))
        problems.push(`${name}: mounts ${source}, which does not exist`);
      else if (
        source &&
        !source.startsWith('.') &&
        !source.startsWith('/') &&
        !(source in (compose.volumes ?? {}))
      )
        problems.push(`${name}: volume ${source} is not declared`);
    }
  }
  for (const app of APP_NAMES)
    if (![...apps.values()].some((a) => a.app === app)) problems.push(`no service runs ${app}`);

  // etcd: every member names itself and its service, and lists the same cluster: all the members.
  const peerUrl = (member: string) => flagsOf(services[member].command).get('initial-advertise-peer-urls');
  const expectedCluster = etcd.map((member) => `${member}=${peerUrl(member)}`).join(',');
  const clientUrls: string[] = [];
  for (const member of etcd) {
    const service = services[member];
    const flags = flagsOf(service.command);
    const client = urlOf(flags.get('advertise-client-urls'));
    const listen = urlOf(flags.get('listen-client-urls'));
    const peer = urlOf(peerUrl(member));
    const listenPeer = urlOf(flags.get('listen-peer-urls'));
    if (flags.get('name') !== member)
      problems.push(`${member}: --name=${flags.get('name')}, not its service name`);
    if (client?.hostname !== member || client.port !== listen?.port)
      problems.push(`${member}: --advertise-client-urls must be http://${member}:<its client port>`);
    if (peer?.hostname !== member || peer.port !== listenPeer?.port)
      problems.push(`${member}: --initial-advertise-peer-urls must be http://${member}:<its peer port>`);
    if (flags.get('initial-cluster') !== expectedCluster)
      problems.push(
        `${member}: --initial-cluster=${flags.get('initial-cluster')}, expected ${expectedCluster}`,
      );
    if (flags.get('initial-cluster-state') !== 'new') problems.push(`${member}: --initial-cluster-state=new`);
    // Every write with a TTL is a delay-queue revision: without compaction etcd keeps them all.
    if (
      flags.get('auto-compaction-mode') !== 'periodic' ||
      ['', '0', undefined].includes(flags.get('auto-compaction-retention'))
    )
      problems.push(`${member}: needs --auto-compaction-mode=periodic and a --auto-compaction-retention`);
    const token = flags.get('initial-cluster-token');
    if (!token || etcd.some((m) => flagsOf(services[m].command).get('initial-cluster-token') !== token))
      problems.push(`${member}: every member needs the same --initial-cluster-token`);
    const dataDir = flags.get('data-dir');
    if (!dataDir || !(service.volumes ?? []).some((v) => typeof v === 'string' && v.endsWith(`:${dataDir}`)))
      problems.push(`${member}: --data-dir=${dataDir} is not on a volume`);
    if (!portsOf(service).every((p) => String(p.target) === listen?.port))
      problems.push(`${member}: publishes a port other than its client port ${listen?.port}`);
    if (!healthTest(service).includes(`--endpoints=http://127.0.0.1:${listen?.port}`))
      problems.push(`${member}: the health check does not ask the member's own client port`);
    if (client) clientUrls.push(`http://${client.host}`);
  }

  // MySQL: the database, the user and the demo table the nodes read.
  const db = mysql.length ? environmentOf(services[mysql[0]], problems, mysql[0]) : {};
  const dbPort = mysql.length ? (portsOf(services[mysql[0]])[0]?.target ?? 3306) : 3306;
  const init = mysql.length
    ? (services[mysql[0]].volumes ?? [])
        .map((v) => (typeof v === 'string' ? v.split(':') : [v.source ?? '', v.target ?? '']))
        .find(([, target]) => target === '/docker-entrypoint-initdb.d')
    : undefined;
  if (mysql.length) {
    const database = db['MYSQL_DATABASE'] ?? db['MARIADB_DATABASE'];
    if (!init) problems.push(`${mysql[0]}: no init script folder mounted on /docker-entrypoint-initdb.d`);
    else {
      const dir = resolve(composeDir, init[0]);
      const sql = existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.sql'))
            .map((f) => readFileSync(join(dir, f), 'utf8'))
            .join('\n')
        : '';
      if (!new RegExp(`^USE ${database};`, 'm').test(sql)) problems.push(`init script: USE ${database};`);
      if (!new RegExp(`CREATE TABLE IF NOT EXISTS ${DEMO_TABLE} \\(`).test(sql))
        problems.push(`init script: CREATE TABLE IF NOT EXISTS ${DEMO_TABLE}`);
      for (const { name, score } of DEMO_STUDENTS)
        if (!sql.includes(`('${name}', ${score})`)) problems.push(`init script: no row ${name} ${score}`);
    }
    const health = healthTest(services[mysql[0]]);
    for (const part of [
      `--user=${db['MYSQL_USER']}`,
      `--password=${db['MYSQL_PASSWORD']}`,
      `--database=${database}`,
    ])
      if (!health.includes(part)) problems.push(`${mysql[0]}: the health check should connect with ${part}`);
    if (!health.includes(`FROM ${DEMO_TABLE}`))
      problems.push(`${mysql[0]}: the health check should read ${DEMO_TABLE}`);
  }

  // The apps: every variable a setting, every environment accepted by the config loader, and the values
  // consistent with the services around them.
  const nodeNames = new Map<string, string>();
  const clusters = new Set<string>();
  for (const [name, entry] of apps) {
    const service = services[name];
    const env = environmentOf(service, problems, name);
    entry.env = { ...imageEnv, ...env };
    for (const variable of Object.keys(env))
      if (!repo.variables.has(variable)) problems.push(`${name}: ${variable} is not a ringcache setting`);
    let config: RingcacheConfig;
    try {
      // The loader reads the TLS files: the containers' /certs volume is the script's output here.
      config = loadConfig({ env: withLocalCerts(entry.env, repo.certs), cwd: repo.cwd });
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message.replace(/\n/g, '; ')}`);
      continue;
    }
    const spec = APPS[entry.app];
    clusters.add(config.cluster);
    if (spec.host(config) !== '0.0.0.0')
      problems.push(`${name}: listens on ${spec.host(config)}, not 0.0.0.0`);
    const targets = portsOf(service).map((p) => p.target);
    for (const port of spec.ports(config))
      if (!targets.includes(port)) problems.push(`${name}: port ${port} is not in ports (${targets})`);
    for (const port of targets)
      if (!spec.ports(config).includes(port))
        problems.push(`${name}: publishes ${port}, which it does not serve`);
    // fetch() over http, or https.get() with the client certificate of a node's mutual TLS.
    const probe =
      /fetch\('http:\/\/127\.0\.0\.1:(\d+)\/(healthz|readyz)'\)/.exec(healthTest(service)) ??
      /host:'127\.0\.0\.1',port:(\d+),path:'\/(healthz|readyz)'/.exec(healthTest(service));
    if (!probe) problems.push(`${name}: the health check must ask 127.0.0.1:<port>/healthz or /readyz`);
    else if (Number(probe[1]) !== spec.healthPort(config))
      problems.push(
        `${name}: the health check asks port ${probe[1]}, the app serves ${spec.healthPort(config)}`,
      );

    const endpoints = [...config.etcd.endpoints].sort();
    if (endpoints.join() !== [...clientUrls].sort().join())
      problems.push(`${name}: etcd endpoints ${endpoints} are not the members ${clientUrls}`);
    const deps = dependsOn(service);
    for (const member of etcd) if (!deps[member]) problems.push(`${name}: does not wait for ${member}`);

    if (entry.app === 'cache-node') {
      const other = nodeNames.get(config.node.name);
      if (other) problems.push(`${name}: node name ${config.node.name} is also ${other}'s`);
      nodeNames.set(config.node.name, name);
      if (config.node.advertiseHost !== name)
        problems.push(`${name}: advertises ${config.node.advertiseHost}, not its service name`);
      if (!config.mysql.url) problems.push(`${name}: no RINGCACHE_MYSQL_URL`);
      else {
        const target = parseMysqlUrl(config.mysql.url);
        if (!mysql.includes(target.host) || target.port !== dbPort)
          problems.push(`${name}: MySQL at ${target.host}:${target.port}, not the ${mysql[0]} service`);
        if (target.username !== db['MYSQL_USER'] || target.password !== db['MYSQL_PASSWORD'])
          problems.push(
            `${name}: MySQL user or password differ from ${mysql[0]}'s MYSQL_USER/MYSQL_PASSWORD`,
          );
        if (target.database !== db['MYSQL_DATABASE'])
          problems.push(`${name}: database ${target.database} is not MYSQL_DATABASE`);
      }
      for (const m of mysql) if (!deps[m]) problems.push(`${name}: does not wait for ${m}`);
    }
    if (entry.app === 'gateway') {
      if (!portsOf(service).some((p) => p.published === config.gateway.port && p.hostIp === undefined))
        problems.push(`${name}: port ${config.gateway.port} must be published on every interface`);
      for (const [node, other] of apps)
        if (other.app === 'cache-node' && !deps[node]) problems.push(`${name}: does not wait for ${node}`);
    }
  }
  if (clusters.size > 1) problems.push(`the apps name different clusters: ${[...clusters]}`);
  problems.push(...composeTlsProblems(services, [...apps.keys()]));
  return { problems, apps };
}
