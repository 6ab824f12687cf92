#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that an fwbox report page is self-contained and well formed, and
that its text says what it should.

Usage: report-check.py PAGE.html [--has TEXT]... [--lacks TEXT]... [--raw-lacks TEXT]...

  - the page is UTF-8 and parses as HTML with every non-void element closed
    in order;
  - it has no script, no element that loads something (img, iframe, link,
    object, embed, audio, video, source, frame), no event-handler attribute,
    no src attribute, no href other than a #fragment, no url( in a style;
    the only address is the SVG namespace;
  - its Content-Security-Policy is default-src 'none';
  - --has: the rendered text contains TEXT; --lacks: it does not;
    --raw-lacks: the bytes of the page do not contain TEXT.
"""
import html.parser
import re
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
SVG_EMPTY_OK = {"rect", "line", "path", "circle", "g", "text", "title", "svg"}
LOADERS = {"script", "img", "iframe", "link", "object", "embed", "audio", "video", "source",
           "frame", "frameset", "applet", "base", "form"}


def fail(msg):
    print("report-check: " + msg, file=sys.stderr)
    sys.exit(1)


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.text = []
        self.csp = None
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "style":
            self.in_style = True

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)
        if tag not in VOID and tag not in SVG_EMPTY_OK:
            fail("<%s/> is not a void element" % tag)

    def check(self, tag, attrs):
        if tag in LOADERS:
            fail("<%s> in the page" % tag)
        for k, v in attrs:
            if k.startswith("on"):
                fail("event handler %s= on <%s>" % (k, tag))
            if k in ("src", "srcset", "action", "formaction", "poster", "background"):
                fail("%s= on <%s>" % (k, tag))
            if k in ("href", "xlink:href") and not (v or "").startswith("#"):
                fail("href=%r on <%s>" % (v, tag))
            if k == "xmlns" and v != "http://www.w3.org/2000/svg":
                fail("xmlns=%r" % v)
            if k == "style" and "url(" in (v or ""):
                fail("url( in a style attribute")
            if tag == "meta" and k == "http-equiv" and v.lower() == "content-security-policy":
                self.csp = dict(attrs).get("content")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            fail("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
        self.stack.pop()
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            if "url(" in data or "@import" in data:
                fail("url( or @import in the style sheet")
            return
        self.text.append(data)


def main():
    args = sys.argv[1:]
    if not args:
        fail("usage: report-check.py PAGE.html [--has TEXT]... [--lacks TEXT]...")
    with open(args[0], "rb") as f:
        raw = f.read()
    try:
        doc = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        fail("not UTF-8: %s" % e)
    if not doc.startswith("<!DOCTYPE html>"):
        fail("no <!DOCTYPE html>")
    p = Page()
    p.feed(doc)
    p.close()
    if p.stack:
        fail("unclosed elements: %s" % p.stack)
    if not p.csp or not re.match(r"default-src 'none'(;|$)", p.csp):
        fail("Content-Security-Policy is %r" % p.csp)
    for u in re.findall(r"(?:https?|ftp)://[^\s\"'<>]*", doc):
        if u != "http://www.w3.org/2000/svg":
            fail("address %r in the page" % u)
    text = "".join(p.text)
    i = 1
    while i < len(args):
        what, val = args[i], args[i + 1]
        i += 2
        if what == "--has" and val not in text:
            fail("the page does not say %r" % val)
        if what == "--lacks" and val in text:
            fail("the page says %r" % val)
        if what == "--raw-lacks" and val.encode() in raw:
            fail("the page's bytes contain %r" % val)
    print("ok: %d bytes, %d characters of text" % (len(raw), len(text)))


if __name__ == "__main__":
    main()
