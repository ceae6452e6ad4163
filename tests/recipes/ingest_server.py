#!/usr/bin/python3
"""An Azure Monitor Logs Ingestion endpoint on loopback for the recipe
tests, written from the API's reference ("Logs Ingestion - Upload":
POST {endpoint}/dataCollectionRules/{ruleId}/streams/{stream}
?api-version=2023-01-01, a bearer token, a JSON array body of at most
1 MB, 204 No Content on success, errors as {"error": {"code", "message"}}).

State in --dir D (see fixture.py for port, timeout, faults, log):
  tokens          the bearer tokens accepted, one a line, read again at
                  every request (missing: any token);
  config.json     optional: {"max_bytes": N (413 above it, default
                  1048576), "rule": DCR, "stream": STREAM (404 for others)};
  batches.ndjson  every accepted batch, as the array received, one a line.
A fault {"lose_answer": true} accepts the batch and closes the connection
without an answer.
"""

import json
import os
import urllib.parse

import fixture

JSON = "application/json"


def error(status, code=None, msg=None):
    codes = {429: "TooManyRequests", 503: "ServiceUnavailable",
             500: "InternalServerError"}
    return {"error": {"code": code or codes.get(status, "Error"),
                      "message": msg or "The request failed."}}


class H(fixture.Handler):
    def do_POST(self):
        d = self.server.state_dir
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        status = self.route(d, body)
        fixture.log(d, {"method": "POST", "path": self.path,
                        "bytes": n, "status": status})

    def route(self, d, body):
        try:
            with open(os.path.join(d, "config.json")) as f:
                c = json.load(f)
        except FileNotFoundError:
            c = {}
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        auth = self.headers.get("Authorization") or ""
        try:
            with open(os.path.join(d, "tokens")) as f:
                tokens = [l.strip() for l in f if l.strip()]
        except FileNotFoundError:
            tokens = None
        if not auth.startswith("Bearer ") or \
                (tokens is not None and auth[7:] not in tokens):
            self.answer(401, error(401, "InvalidToken",
                        "The provided token is invalid or expired."), JSON)
            return 401
        p = u.path.split("/")
        if len(p) != 5 or p[1] != "dataCollectionRules" or \
                p[3] != "streams" or p[2] != c.get("rule", p[2]) or \
                p[4] != c.get("stream", p[4]):
            self.answer(404, error(404, "NotFound",
                        "Data collection rule or stream not found."), JSON)
            return 404
        if q.get("api-version") != ["2023-01-01"]:
            self.answer(400, error(400, "InvalidApiVersion",
                        "The api-version is not supported."), JSON)
            return 400
        f = self.fault(JSON, error)
        if f:
            return f
        if len(body) > c.get("max_bytes", 1048576):
            self.answer(413, error(413, "ContentLengthLimitExceeded",
                        "Maximum allowed content length: %d bytes."
                        % c.get("max_bytes", 1048576)), JSON)
            return 413
        if not (self.headers.get("Content-Type") or "").startswith(JSON):
            self.answer(415, error(415, "UnsupportedMediaType",
                        "Content-Type must be application/json."), JSON)
            return 415
        try:
            arr = json.loads(body)
            if not isinstance(arr, list):
                raise ValueError("not an array")
        except ValueError as e:
            self.answer(400, error(400, "InvalidPayload",
                        "The payload is not a JSON array: %s" % e), JSON)
            return 400
        with open(os.path.join(d, "batches.ndjson"), "a") as f:
            f.write(json.dumps(arr, separators=(",", ":")) + "\n")
        if fixture.take_fault(d, self.path, lose=True) is not None:
            self.close_connection = True
            self.connection.shutdown(2)
            return "lost"
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return 204


if __name__ == "__main__":
    fixture.serve(H, fixture.options(__doc__))
