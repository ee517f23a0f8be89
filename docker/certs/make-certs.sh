#!/bin/sh
# Makes the compose demo's certificates for mutual TLS between ringcache processes: a CA, and for every
# ringcache service one certificate (server and client) whose subjectAltName is the service's name — the
# address the others dial — and 127.0.0.1/localhost, for the container's own health check.
#
#   sh make-certs.sh [dir]       (default /certs: the compose `certs` volume)
#
# Runs once: when the CA is already there it changes nothing, so restarts keep the certificates every
# process trusts. Delete the volume (`docker compose down -v`) to make new ones. Keys are readable only by
# uid 1000, the `node` user the ringcache images run as.
set -eu

DIR=${1:-/certs}
SERVICES="node1 node2 node3 gateway ttl-worker"
DAYS=825
EC="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

mkdir -p "$DIR"
if [ -s "$DIR/ca.pem" ]; then
  echo "certificates already in $DIR: keeping them"
  exit 0
fi

openssl req -x509 $EC -days "$DAYS" -keyout "$DIR/ca.key" -out "$DIR/ca.pem" -subj /CN=ringcache-compose-ca \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null

for name in $SERVICES; do
  printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n' \
    "$name" >"$DIR/$name.ext"
  openssl req -new $EC -keyout "$DIR/$name.key" -out "$DIR/$name.csr" -subj "/CN=$name" 2>/dev/null
  openssl x509 -req -in "$DIR/$name.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days "$DAYS" -extfile "$DIR/$name.ext" -out "$DIR/$name.pem" 2>/dev/null
  rm "$DIR/$name.csr" "$DIR/$name.ext"
  echo "issued $DIR/$name.pem"
done

# The CA's key signs nothing more: the demo keeps no way to issue certificates once this has run.
rm "$DIR/ca.key"
chmod 644 "$DIR"/*.pem
chmod 600 "$DIR"/*.key
if [ "$(id -u)" = 0 ]; then chown 1000:1000 "$DIR"/*.key; fi
