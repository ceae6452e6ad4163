#!/usr/bin/python3
"""A TAXII 2.1 server on loopback for the recipe tests, written from the
OASIS TAXII 2.1 specification (sections 4 and 5; the discovery,
collections and error bodies follow the specification's examples).

State in --dir D (see fixture.py for port, timeout, faults, log):
  objects.ndjson  the collection, one {"date_added": T, "object": {...}} a
                  line, read again at every request;
  config.json     optional: {"page_size": N (the server's cap on limit,
                  default 100), "user": U, "password": P (basic auth
                  required when set), "no_next": true (answer "more"
                  without "next", so that clients page by added_after)}.

Resources: /taxii2/ (discovery), /api1/ (API root), /api1/collections/,
/api1/collections/{id}/ and .../objects/ with added_after, limit and
next.  Objects are served in date_added order; "next" is an opaque
offset token.
"""

import base64
import json
import os
import urllib.parse

import fixture

TAXII = "application/taxii+json;version=2.1"
COLL = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"


def error(status, title=None, desc=None):
    titles = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
              406: "Not Acceptable", 429: "Too Many Requests",
              503: "Service Unavailable"}
    return {"title": title or titles.get(status, "Error"),
            "description": desc or "The server could not answer.",
            "http_status": str(status)}


class H(fixture.Handler):
    def conf(self):
        try:
            with open(os.path.join(self.server.state_dir, "config.json")) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def do_GET(self):
        d = self.server.state_dir
        c = self.conf()
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        status = self.route(c, u.path, q)
        fixture.log(d, {"method": "GET", "path": self.path,
                        "auth": self.headers.get("Authorization") is not None,
                        "accept": self.headers.get("Accept"),
                        "status": status})

    def route(self, c, path, q):
        if "user" in c:
            want = base64.b64encode(("%s:%s" % (c["user"], c["password"]))
                                    .encode()).decode()
            if self.headers.get("Authorization") != "Basic " + want:
                self.answer(401, error(401, "Unauthorized",
                            "The user name or password is not valid."),
                            TAXII, {"WWW-Authenticate": 'Basic realm="taxii"'})
                return 401
        if TAXII not in (self.headers.get("Accept") or "").replace(" ", ""):
            self.answer(406, error(406), TAXII)
            return 406
        f = self.fault(TAXII, error)
        if f == "drop":
            self.answer(200, {"more": True, "objects": [{"id": "x"}] * 50},
                        TAXII, drop=True)
            return "drop"
        if f:
            return f
        base = "http://127.0.0.1:%d" % self.server.server_address[1]
        if path == "/taxii2/":
            self.answer(200, {
                "title": "Some TAXII Server",
                "description": "This TAXII Server contains a listing of",
                "contact": "string containing contact information",
                "default": base + "/api1/",
                "api_roots": [base + "/api1/", "/api2/"]}, TAXII)
        elif path in ("/api1/", "/api2/"):
            self.answer(200, {"title": "API root", "versions": [TAXII],
                              "max_content_length": 104857600}, TAXII)
        elif path == "/api1/collections/":
            self.answer(200, {"collections": [{
                "id": COLL, "title": "High Value Indicator Collection",
                "description": "This data collection contains high value IOCs",
                "can_read": True, "can_write": False,
                "media_types": ["application/stix+json;version=2.1"]}]}, TAXII)
        elif path == "/api2/collections/":
            self.answer(200, {}, TAXII)
        elif path == "/api1/collections/%s/objects/" % COLL:
            return self.objects(c, q)
        else:
            self.answer(404, error(404, "Not Found",
                        "No collection at %s." % path), TAXII)
            return 404
        return 200

    def objects(self, c, q):
        try:
            with open(os.path.join(self.server.state_dir,
                                   "objects.ndjson")) as f:
                rows = [json.loads(l) for l in f if l.strip()]
        except FileNotFoundError:
            rows = []
        rows.sort(key=lambda r: r["date_added"])
        if "added_after" in q:
            aa = q["added_after"][0]
            rows = [r for r in rows if r["date_added"] > aa]
        cap = c.get("page_size", 100)
        limit = min(int(q.get("limit", [cap])[0]), cap)
        start = int(q["next"][0][1:]) if "next" in q else 0
        page = rows[start:start + limit]
        more = start + limit < len(rows)
        env = {}
        if page:
            env["objects"] = [r["object"] for r in page]
        if more:
            env["more"] = True
            if not c.get("no_next"):
                env["next"] = "n%d" % (start + limit)
        elif page:
            env["more"] = False
        hdr = {}
        if page:
            hdr["X-TAXII-Date-Added-First"] = page[0]["date_added"]
            hdr["X-TAXII-Date-Added-Last"] = page[-1]["date_added"]
        self.answer(200, env, TAXII, hdr)
        return 200


if __name__ == "__main__":
    fixture.serve(H, fixture.options(__doc__))
