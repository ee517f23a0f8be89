// `npm run etcd` (one member on 2379) and `npm run etcd:cluster` (three members, client ports 2379,
// 22379, 32379, as etcd/Procfile): local etcd from Debian's etcd-server, data in a temp dir, stopped and
// removed on Ctrl-C.
import { CLUSTER_MEMBERS, SINGLE_MEMBER, etcdAvailable, startEtcd } from './etcd-members.mjs';

const cluster = process.argv.includes('--cluster');
if (!etcdAvailable()) {
  console.error('etcd is not installed: apt-get install -y etcd-server (Debian/Ubuntu)');
  process.exit(1);
}
const etcd = await startEtcd(cluster ? CLUSTER_MEMBERS : SINGLE_MEMBER, { quiet: false }).catch((error) => {
  console.error(error.message);
  process.exit(1);
});
console.log(`\netcd is up: ${etcd.endpoints.join(',')}`);
console.log(`use it:  RINGCACHE_ETCD_ENDPOINTS=${etcd.endpoints.join(',')} npm start`);
console.log(`look:    ETCDCTL_API=3 etcdctl --endpoints=${etcd.endpoints[0]} get --prefix ringcache/\n`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await etcd.stop();
  console.log('etcd stopped, data removed.');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
