"""Shared parts of the loopback test servers (taxii_server.py,
ingest_server.py): a state directory, a port on 127.0.0.1, a time limit,
scripted faults and a request log.

A server started with --dir D binds 127.0.0.1 on a free port and writes
it to D/port; it exits by itself after --timeout seconds.  D/faults.ndjson
holds faults to inject, one JSON object a line, taken in order (a taken
fault is removed from the file): {"status": 429, "retry_after": "1"},
{"status": 503}, {"drop": true} (the connection is closed mid-answer),
with an optional "path" (a substring the request path must hold) and
"times" (default 1); the first that fits is taken.  Every request is appended to D/requests.ndjson.
"""

import argparse
import http.server
import json
import os
import threading
import time


def options(doc):
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    return ap.parse_args()


def take_fault(d, path, lose=False):
    """The first fault for PATH (of the lose_answer kind when LOSE), or
    None; the file loses what was taken."""
    fn = os.path.join(d, "faults.ndjson")
    try:
        with open(fn) as f:
            faults = [json.loads(l) for l in f if l.strip()]
    except FileNotFoundError:
        return None
    for i, fl in enumerate(faults):
        if fl.get("path", "") in path and \
                bool(fl.get("lose_answer")) == lose:
            left = fl.get("times", 1) - 1
            if left > 0:
                fl["times"] = left
            else:
                del faults[i]
            with open(fn + ".tmp", "w") as f:
                for x in faults:
                    f.write(json.dumps(x) + "\n")
            os.replace(fn + ".tmp", fn)
            return fl
    return None


def log(d, entry):
    entry["t"] = time.time()
    with open(os.path.join(d, "requests.ndjson"), "a") as f:
        f.write(json.dumps(entry) + "\n")


def serve(handler, args):
    srv = http.server.HTTPServer(("127.0.0.1", 0), handler)
    srv.state_dir = args.dir
    tmp = os.path.join(args.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, os.path.join(args.dir, "port"))
    t = threading.Timer(args.timeout, os._exit, [0])
    t.daemon = True
    t.start()
    srv.serve_forever()


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers with JSON, logs quietly, injects faults."""

    def log_message(self, fmt, *a):
        pass

    def answer(self, status, obj, ctype, headers=None, drop=False):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if drop:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(body)

    def fault(self, ctype, error):
        """Inject the next fault for this path: its status, "drop", or None."""
        fl = take_fault(self.server.state_dir, self.path)
        if fl is None:
            return False
        st = fl.get("status")
        if fl.get("drop"):
            return "drop"
        hdr = {}
        if "retry_after" in fl:
            hdr["Retry-After"] = str(fl["retry_after"])
        self.answer(st, error(st), ctype, hdr)
        return st
