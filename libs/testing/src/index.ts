export { workspaceRoot, builtApp } from './lib/workspace';
export { freePort } from './lib/ports';
export {
  pidAlive,
  runToExit,
  startProcess,
  stopAllProcesses,
  toolEnv,
  ManagedProcess,
} from './lib/processes';
export type { Exit, RunResult, StartProcessOptions } from './lib/processes';
export { waitForHttp, sleep, eventually, getWithCertificate } from './lib/http';
export type { ClientTlsFiles, WaitTarget } from './lib/http';
export { parsePrometheus, scrapeMetrics, sumMetric } from './lib/metrics';
export type { Sample } from './lib/metrics';
export { ScratchMysql, MYSQL_ADMIN_URL } from './lib/scratch-mysql';
export { PrivateMariadb } from './lib/private-mariadb';
export type { ScratchMysqlOptions } from './lib/scratch-mysql';
export { TcpProxy } from './lib/tcp-proxy';
export type { BlackholeMode, ProxyListen } from './lib/tcp-proxy';
export { tempDir } from './lib/temp-dir';
export type { TempDir } from './lib/temp-dir';
export { startCluster, startNode, TestCluster, waitForReady } from './lib/cluster';
export type { ClusterOptions, GatewayHandle, NodeHandle, StaticNode, WorkerHandle } from './lib/cluster';
export { EtcdCluster, ETCD_BIN, ETCDCTL_BIN } from './lib/etcd';
export type { EtcdClusterOptions, EtcdctlOptions, EtcdMember } from './lib/etcd';
export { KeyOwners } from './lib/key-owner';
export { BackgroundReads, summarize } from './lib/background-reads';
export type { ReadRecord, ReadSummary, ReadTarget, ReadVerdict } from './lib/background-reads';
export { createItemTable, ITEM_GROUP } from './lib/item-table';
export { SlowLoads } from './lib/slow-loads';
export type { RunningLoad } from './lib/slow-loads';
export { addProxiedNode } from './lib/proxied-node';
export type { ProxiedNode, ProxiedNodeOptions } from './lib/proxied-node';
export { bytesWaitingAt } from './lib/waiting-bytes';
export { TestCa } from './lib/certificates';
export type { IssuedCertificate, IssueOptions } from './lib/certificates';
export { deepJson, FuzzRandom } from './lib/fuzz-random';
export { rssBytes } from './lib/process-rss';
export { openFds } from './lib/process-fds';
export type { OpenFds } from './lib/process-fds';
export { rawConnection } from './lib/raw-connection';
export type { RawConnection } from './lib/raw-connection';
