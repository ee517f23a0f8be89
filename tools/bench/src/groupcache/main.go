// Command groupcache-peer is baseline (c) of the ringcache bench: one golang/groupcache peer per
// process. Its group reads each key's value from the bench's SQLite table on a miss; a front on its own
// port answers GET <key-path><key> with the value bytes (200) or 404, and GET /readyz (200) once both
// ports listen.
//
// The bench builds it in GOPATH mode against Debian's packages (golang-github-golang-groupcache-dev,
// golang-github-mattn-go-sqlite3-dev), so it has no go.mod:
//
//	groupcache-peer -peer-port 9001 -front-port 8001 -sqlite bench.sqlite \
//	  -peers http://127.0.0.1:9001,http://127.0.0.1:9002,http://127.0.0.1:9003
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/golang/groupcache"
	_ "github.com/mattn/go-sqlite3"
)

// idleConnsPerPeer is how many keep-alive connections to each peer are kept. Go's default of 2 makes
// peers open and close a connection per request once more than 2 fetches to one peer are in flight.
const idleConnsPerPeer = 256

// errNotFound is what the getter returns for a key the table does not have. groupcache caches no
// errors, so a missing key is read again on every request; the bench asks only for existing keys.
var errNotFound = errors.New("not found")

type options struct {
	peerPort, frontPort               int
	peers, sqlitePath, group, keyPath string
	table, keyColumn, valueColumn     string
	cacheMiB                          int64
}

func parseOptions() options {
	var o options
	flag.IntVar(&o.peerPort, "peer-port", 0, "port of this peer's groupcache endpoint on 127.0.0.1 (required)")
	flag.IntVar(&o.frontPort, "front-port", 0, "port of the front on 127.0.0.1 (required)")
	flag.StringVar(&o.peers, "peers", "", "base URLs of every peer, this one included, comma-separated (required)")
	flag.StringVar(&o.sqlitePath, "sqlite", "", "SQLite file holding the values, opened read-only (required)")
	flag.StringVar(&o.group, "group", "bench", "groupcache group name")
	flag.StringVar(&o.keyPath, "key-path", "/api/v1/groups/bench/keys/", "path prefix of key requests to the front")
	flag.StringVar(&o.table, "table", "bench_values", "table holding one row per key")
	flag.StringVar(&o.keyColumn, "key-column", "k", "the table's key column")
	flag.StringVar(&o.valueColumn, "value-column", "v", "the table's value column")
	flag.Int64Var(&o.cacheMiB, "cache-mib", 64, "the group's cache size in MiB (main and hot cache together)")
	flag.Parse()
	if o.peerPort <= 0 || o.frontPort <= 0 || o.peers == "" || o.sqlitePath == "" {
		log.Fatalf("-peer-port, -front-port, -peers and -sqlite are required")
	}
	return o
}

// selfURL is this peer's base URL; it must be one of -peers, or the pool would treat itself as remote.
func selfURL(o options) string {
	self := "http://127.0.0.1:" + strconv.Itoa(o.peerPort)
	for _, peer := range strings.Split(o.peers, ",") {
		if peer == self {
			return self
		}
	}
	log.Fatalf("-peers %q does not contain this peer (%s)", o.peers, self)
	return ""
}

// tableGetter loads a key's value with one prepared SELECT on a read-only connection pool.
func tableGetter(o options) groupcache.Getter {
	db, err := sql.Open("sqlite3", "file:"+o.sqlitePath+"?mode=ro")
	if err != nil {
		log.Fatalf("open %s: %v", o.sqlitePath, err)
	}
	query := fmt.Sprintf("SELECT %s FROM %s WHERE %s = ?", o.valueColumn, o.table, o.keyColumn)
	stmt, err := db.Prepare(query)
	if err != nil {
		log.Fatalf("prepare %q on %s: %v", query, o.sqlitePath, err)
	}
	return groupcache.GetterFunc(func(ctx context.Context, key string, dest groupcache.Sink) error {
		var value []byte
		err := stmt.QueryRowContext(ctx, key).Scan(&value)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return fmt.Errorf("reading %q from %s: %w", key, o.sqlitePath, err)
		}
		return dest.SetBytes(value)
	})
}

// front answers the bench's key requests from the group, and /readyz: it is served only once the
// statement is prepared and both ports listen.
func front(group *groupcache.Group, keyPath string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			w.Write([]byte("ok"))
			return
		}
		if !strings.HasPrefix(r.URL.Path, keyPath) || r.Method != http.MethodGet {
			http.Error(w, "no such route", http.StatusNotFound)
			return
		}
		key := strings.TrimPrefix(r.URL.Path, keyPath)
		var value groupcache.ByteView
		err := group.Get(r.Context(), key, groupcache.ByteViewSink(&value))
		if errors.Is(err, errNotFound) {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(value.Len()))
		value.WriteTo(w)
	})
}

func listen(port int) net.Listener {
	listener, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		log.Fatalf("listen on port %d: %v", port, err)
	}
	return listener
}

func main() {
	o := parseOptions()
	transport := http.DefaultTransport.(*http.Transport)
	transport.MaxIdleConns = 0 // no total limit: the per-host one below is the one that matters
	transport.MaxIdleConnsPerHost = idleConnsPerPeer

	self := selfURL(o)
	pool := groupcache.NewHTTPPoolOpts(self, nil)
	pool.Set(strings.Split(o.peers, ",")...)
	group := groupcache.NewGroup(o.group, o.cacheMiB<<20, tableGetter(o))

	// Both ports listen before the front answers /readyz: other peers may ask this one from then on, and
	// connections made before its http.Serve runs wait in the listen backlog.
	peerListener, frontListener := listen(o.peerPort), listen(o.frontPort)
	go func() { log.Fatal(http.Serve(peerListener, pool)) }()
	log.Printf("groupcache peer %s, front on 127.0.0.1:%d, peers %s", self, o.frontPort, o.peers)
	log.Fatal(http.Serve(frontListener, front(group, o.keyPath)))
}
