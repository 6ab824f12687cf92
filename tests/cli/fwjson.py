# Reading fwbox --json output in the end-to-end tests (see fwbox(1) JSON
# OUTPUT): a sequence of JSON objects, one a line (compact) or indented
# (--pretty).  Import with sys.path.insert(0, os.environ["top_srcdir"] +
# "/tests/cli").
import json


def loads(text):
    """Every object of a --json output, compact or --pretty, in order."""
    dec = json.JSONDecoder()
    out, i = [], 0
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i == len(text):
            return out
        obj, i = dec.raw_decode(text, i)
        if not isinstance(obj, dict):
            raise ValueError("fwbox JSON output holds a %s, not an object" % type(obj).__name__)
        out.append(obj)


def load(path):
    """Every object of the --json output saved in path."""
    with open(path, "rb") as f:
        return loads(f.read().decode("utf-8"))


def one(path):
    """The single object of a verb that describes one input."""
    objs = load(path)
    if len(objs) != 1:
        raise ValueError("%s: expected one JSON object, found %d" % (path, len(objs)))
    return objs[0]


def kinds(doc):
    """collect/show: the artifacts keyed by kind (first of each kind)."""
    out = {}
    for a in doc["artifacts"]:
        out.setdefault(a["kind"], a)
    return out
