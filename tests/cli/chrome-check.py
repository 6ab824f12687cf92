#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check a Chrome trace-event JSON file (JSON Object Format) against the
rules of the Trace Event Format that Perfetto and chrome://tracing rely on,
for the events fwbox writes:

  - the document is an object with a traceEvents array (and, when present,
    displayTimeUnit "ms" or "ns" and an otherData object);
  - instant events ("ph" "i" or "I") have a string name, a number ts >= 0,
    integer pid and tid, a scope "s" of g, p or t, a string cat and an
    object args when present;
  - metadata events ("ph" "M") name a process or thread with args.name a
    string, or a sort index with args.sort_index an integer;
  - no other phase appears;
  - within each (pid, tid) track, timestamps never go back;
  - every track used has a thread_name and every pid a process_name;
  - a message with args.lost 1 is followed on its track, at the same ts, by
    an "events lost" marker.

Prints "messages N lost-markers M tracks T" on success; exits 1 with the
first rule broken otherwise.
"""
import json
import sys


def fail(msg):
    print("chrome-check: " + msg, file=sys.stderr)
    sys.exit(1)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool))


def reject_constant(name):
    fail("not JSON: %s" % name)


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError) as e:
        fail("not JSON: %s" % e)
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        fail("not an object with a traceEvents array")
    if "displayTimeUnit" in doc and doc["displayTimeUnit"] not in ("ms", "ns"):
        fail("displayTimeUnit %r" % doc["displayTimeUnit"])
    if "otherData" in doc and not isinstance(doc["otherData"], dict):
        fail("otherData is not an object")
    last = {}
    tracks = set()
    pnames, tnames = set(), set()
    messages = markers = 0
    pending_lost = {}
    for i, e in enumerate(doc["traceEvents"]):
        where = "event %d" % i
        if not isinstance(e, dict):
            fail(where + ": not an object")
        ph = e.get("ph")
        if ph == "M":
            if e.get("name") not in ("process_name", "thread_name", "process_sort_index",
                                     "thread_sort_index"):
                fail(where + ": metadata name %r" % e.get("name"))
            if not is_int(e.get("pid")) or not isinstance(e.get("args"), dict):
                fail(where + ": metadata without an integer pid or args")
            if e["name"].startswith("thread") and not is_int(e.get("tid")):
                fail(where + ": thread metadata without an integer tid")
            if e["name"].endswith("_name"):
                if not isinstance(e["args"].get("name"), str):
                    fail(where + ": args.name is not a string")
                if e["name"] == "process_name":
                    pnames.add(e["pid"])
                else:
                    tnames.add((e["pid"], e["tid"]))
            elif not is_int(e["args"].get("sort_index")):
                fail(where + ": args.sort_index is not an integer")
            continue
        if ph not in ("i", "I"):
            fail(where + ": phase %r (only instant and metadata events are expected)" % ph)
        for k in ("name", "ts", "pid", "tid"):
            if k not in e:
                fail(where + ": no %s" % k)
        if not isinstance(e["name"], str):
            fail(where + ": name is not a string")
        if not is_num(e["ts"]) or e["ts"] < 0:
            fail(where + ": ts %r is not a number >= 0" % e["ts"])
        if not is_int(e["pid"]) or not is_int(e["tid"]):
            fail(where + ": pid/tid not integers")
        if "s" in e and e["s"] not in ("g", "p", "t"):
            fail(where + ": scope %r" % e["s"])
        if "cat" in e and not isinstance(e["cat"], str):
            fail(where + ": cat is not a string")
        if "args" in e and not isinstance(e["args"], dict):
            fail(where + ": args is not an object")
        track = (e["pid"], e["tid"])
        tracks.add(track)
        if track in last and e["ts"] < last[track]:
            fail(where + ": ts %r goes back on track %r (was %r)" % (e["ts"], track, last[track]))
        last[track] = e["ts"]
        if track in pending_lost:
            if e["name"] != "events lost" or e["ts"] != pending_lost[track]:
                fail(where + ": a lost message on %r is not followed by its marker" % (track,))
            del pending_lost[track]
            markers += 1
            continue
        if e.get("name") == "events lost":
            fail(where + ": a lost-events marker after no lost message")
        messages += 1
        if e.get("args", {}).get("lost") == 1:
            pending_lost[track] = e["ts"]
    if pending_lost:
        fail("lost messages at the end without markers: %r" % pending_lost)
    for t in tracks:
        if t not in tnames:
            fail("track %r has no thread_name" % (t,))
        if t[0] not in pnames:
            fail("pid %r has no process_name" % t[0])
    print("messages %d lost-markers %d tracks %d" % (messages, markers, len(tracks)))


if __name__ == "__main__":
    main()
