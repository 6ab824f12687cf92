#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Open an HTML page in headless Chromium and judge it, through the DevTools
protocol spoken over --remote-debugging-pipe (fd 3 in, fd 4 out, messages
ended by NUL), with the standard library only.

Usage: report-browser.py CHROMIUM PAGE.html SCREENSHOT.png [TEXT...]

Fails (exit 1, reason on stderr) when the page logs a console error or
warning, throws, makes any request other than loading itself, runs any
script, or lacks one of the TEXTs in its rendered text.  Writes a PNG of
the top of the page to SCREENSHOT.png.  Every wait is on a protocol
message; a watchdog ends a browser that stops answering.
"""
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile


def fail(msg):
    print("report-browser: " + msg, file=sys.stderr)
    sys.exit(1)


class Browser:
    def __init__(self, exe, profile, log):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
                "--remote-debugging-pipe", "--user-data-dir=" + profile, "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     close_fds=False, preexec_fn=fds)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self.to_child, data)
            data = data[n:]
        return self.next_id

    def read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                fail("Chromium closed the DevTools pipe (see its log)")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        want = self.send(method, params, session)
        while True:
            m = self.read()
            if m.get("id") == want:
                if "error" in m:
                    fail("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method):
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                del self.events[i]
                return m
        while True:
            m = self.read()
            if m.get("method") == method:
                return m
            self.events.append(m)


def main():
    if len(sys.argv) < 4:
        fail("usage: report-browser.py CHROMIUM PAGE.html SCREENSHOT.png [TEXT...]")
    exe, page, shot, texts = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3], sys.argv[4:]
    url = "file://" + page
    signal.signal(signal.SIGALRM, lambda *a: fail("Chromium stopped answering (watchdog)"))
    signal.alarm(180)
    with tempfile.TemporaryDirectory() as profile, \
            open(os.path.join(os.path.dirname(os.path.abspath(shot)), "chromium.log"), "w") as log:
        b = Browser(exe, profile, log)
        try:
            target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            s = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Runtime", "Log", "Network", "Page"):
                b.call(domain + ".enable", {}, s)
            b.call("Emulation.setDeviceMetricsOverride",
                   {"width": 1280, "height": 1700, "deviceScaleFactor": 1, "mobile": False}, s)
            nav = b.call("Page.navigate", {"url": url}, s)
            if nav.get("errorText"):
                fail("cannot load %s: %s" % (url, nav["errorText"]))
            b.wait_event("Page.loadEventFired")
            # A round trip after the load: events raised while the page
            # loaded are all delivered before this answer.
            text = b.call("Runtime.evaluate", {"expression": "document.body.innerText",
                                               "returnByValue": True}, s)["result"]["value"]
            probe = b.call("Runtime.evaluate", {"expression": "JSON.stringify({"
                           "scripts: document.scripts.length,"
                           "pwned: typeof window.fwboxPwned,"
                           "external: document.querySelectorAll('img,iframe,object,embed,link,"
                           "audio,video,source,frame').length})",
                           "returnByValue": True}, s)["result"]["value"]
            png = b.call("Page.captureScreenshot", {"format": "png"}, s)["data"]
            with open(shot, "wb") as f:
                f.write(base64.b64decode(png))
            problems = []
            for m in b.events:
                meth, p = m.get("method"), m.get("params", {})
                if meth == "Network.requestWillBeSent" and p["request"]["url"] != url:
                    problems.append("network request: " + p["request"]["url"])
                elif meth == "Runtime.exceptionThrown":
                    problems.append("exception: " + json.dumps(p["exceptionDetails"])[:300])
                elif meth == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                    problems.append("console %s: %s" % (p["type"], json.dumps(p.get("args"))[:300]))
                elif meth == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                    problems.append("console %s: %s" % (p["entry"]["level"], p["entry"].get("text", "")[:300]))
            probe = json.loads(probe)
            if probe["scripts"] or probe["pwned"] != "undefined":
                problems.append("a script is in the page or ran: %s" % probe)
            if probe["external"]:
                problems.append("%d elements that load things" % probe["external"])
            for t in texts:
                if t not in text:
                    problems.append("the page does not say %r" % t)
            if problems:
                fail("; ".join(problems))
            print("ok: %d characters of text, no console error, no request" % len(text))
        finally:
            try:
                b.send("Browser.close")
            except OSError:
                pass
            b.proc.wait()
            signal.alarm(0)


if __name__ == "__main__":
    main()
