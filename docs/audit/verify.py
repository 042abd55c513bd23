#!/usr/bin/env python3
"""Independent verifier of Web OS Engine event hash chains.

It implements docs/audit-format.md from the text alone, with the Python 3
standard library and no project code, so an auditor can check an export
without trusting the engine.

    python3 verify.py EXPORT.json...        check exported streams
    python3 verify.py --vectors FILE.json   check the golden vectors

An export is a JSON object with an "events" array of envelopes in global
feed order (`webos audit export`, or one GET /api/streams/{id} page).
Exit status: 0 all verified, 1 a broken event (named on stderr), 2 a file
that cannot be read.
"""

import decimal
import hashlib
import math
import re
import sys


class Broken(Exception):
    """An event, vector or file that does not verify."""


# ---- a strict JSON reader that keeps the raw text of every member -------

class Obj(list):
    """A JSON object: its (key, value) pairs in order, duplicates kept, and
    spans[key] = (start, end) of each value's raw text."""

    def __init__(self):
        super().__init__()
        self.spans = {}

    def unique(self):
        """Refuse a member name given twice: the hash would cover one value
        while most JSON readers show the other. (Only v1 data may repeat
        names; it is hashed from its raw text and never checked here.)"""
        names = set()
        for k, _ in self:
            if k in names:
                raise Broken('duplicate member %r' % k)
            names.add(k)
        return self

    def get(self, key, default=None):
        for k, v in self:
            if k == key:
                return v
        return default


class Num(str):
    """A JSON number, kept as its literal."""


_ESC = {'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}
_NUM = re.compile(r'-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?')


class Reader:
    def __init__(self, text):
        self.s, self.i = text, 0

    def fail(self, why):
        raise Broken('invalid JSON at offset %d: %s' % (self.i, why))

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in ' \t\n\r':
            self.i += 1

    def value(self):
        self.ws()
        c = self.s[self.i:self.i + 1]
        if c == '{':
            return self.obj()
        if c == '[':
            self.i += 1
            out = []
            self.ws()
            if self.s[self.i:self.i + 1] == ']':
                self.i += 1
                return out
            while True:
                out.append(self.value())
                if self.sep(']'):
                    return out
        if c == '"':
            return self.string()
        for word, val in (('true', True), ('false', False), ('null', None)):
            if self.s.startswith(word, self.i):
                self.i += len(word)
                return val
        m = _NUM.match(self.s, self.i)
        if not m:
            self.fail('unexpected %r' % c)
        self.i = m.end()
        return Num(m.group())

    def sep(self, closing):
        self.ws()
        c = self.s[self.i:self.i + 1]
        self.i += 1
        if c == closing:
            return True
        if c != ',':
            self.fail('expected , or %s' % closing)
        return False

    def obj(self):
        self.i += 1
        out = Obj()
        self.ws()
        if self.s[self.i:self.i + 1] == '}':
            self.i += 1
            return out
        while True:
            self.ws()
            if self.s[self.i:self.i + 1] != '"':
                self.fail('expected a member name')
            key = self.string()
            self.ws()
            if self.s[self.i:self.i + 1] != ':':
                self.fail('expected :')
            self.i += 1
            self.ws()
            start = self.i
            out.append((key, self.value()))
            out.spans[key] = (start, self.i)
            if self.sep('}'):
                return out

    def string(self):
        self.i += 1
        out = []
        while True:
            if self.i >= len(self.s):
                self.fail('unterminated string')
            c = self.s[self.i]
            self.i += 1
            if c == '"':
                return ''.join(out)
            if c < ' ':
                self.fail('control character in a string')
            if c != '\\':
                out.append(c)
                continue
            e = self.s[self.i:self.i + 1]
            self.i += 1
            if e in _ESC:
                out.append(_ESC[e])
                continue
            if e != 'u' or not re.fullmatch(r'[0-9a-fA-F]{4}', self.s[self.i:self.i + 4]):
                self.fail('invalid escape')
            u = int(self.s[self.i:self.i + 4], 16)
            self.i += 4
            low = self.s[self.i + 2:self.i + 6]
            if 0xD800 <= u < 0xDC00 and self.s.startswith('\\u', self.i) and re.fullmatch(r'[dD][c-fC-F][0-9a-fA-F]{2}', low):
                u = 0x10000 + ((u - 0xD800) << 10) + (int(low, 16) - 0xDC00)
                self.i += 6
            out.append(chr(u))  # a lone surrogate stays one; utf8() refuses it


def parse(text):
    r = Reader(text)
    v = r.value()
    r.ws()
    if r.i != len(text):
        r.fail('data after the JSON value')
    return v


def utf8(s):
    try:
        return s.encode('utf-8')
    except UnicodeEncodeError:
        raise Broken('text with a lone surrogate has no canonical form') from None


# ---- scheme v2: RFC 8785 (JCS) ------------------------------------------

_SHORT = {0x08: '\\b', 0x09: '\\t', 0x0A: '\\n', 0x0C: '\\f', 0x0D: '\\r'}
_SAFE_INT = 2 ** 53


def jcs_string(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch in '"\\':
            out.append('\\' + ch)
        elif c < 0x20:
            out.append(_SHORT.get(c, '\\u%04x' % c))
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def es6_number(f):
    """ECMAScript Number.prototype.toString of a double, as RFC 8785 asks."""
    if f == 0:
        return '0'
    if math.isinf(f) or math.isnan(f):
        raise Broken('number out of range')
    mant, _, exp = repr(abs(f)).partition('e')  # repr: the shortest digits that round-trip
    ip, _, fp = mant.partition('.')
    digits = (ip + fp).lstrip('0')
    n = len(ip) + (int(exp) if exp else 0) - (len(ip + fp) - len(digits))  # f = 0.DIGITS x 10^n
    digits = digits.rstrip('0')
    k = len(digits)
    if k <= n <= 21:
        s = digits + '0' * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + '.' + digits[n:]
    elif -6 < n <= 0:
        s = '0.' + '0' * -n + digits
    else:
        s = digits[0] + ('.' + digits[1:] if k > 1 else '') + 'e' + ('+' if n > 0 else '-') + str(abs(n - 1))
    return ('-' if f < 0 else '') + s


def jcs_number(lit):
    f = float(lit)
    s = es6_number(f)
    exact = decimal.Decimal(s) == decimal.Decimal(lit)
    if f == math.trunc(f) and (abs(f) > _SAFE_INT or (abs(f) == _SAFE_INT and not exact)):
        raise Broken('number %s is an integer beyond 2^53' % lit)
    if not exact:
        raise Broken('number %s has more digits than a double holds' % lit)
    return s


def utf16_key(k):
    """RFC 8785 sorts member names by their UTF-16 code units."""
    utf8(k)
    return k.encode('utf-16-be')


def jcs(v):
    """The canonical text of a parsed JSON value."""
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if isinstance(v, Num):
        return jcs_number(v)
    if isinstance(v, str):
        utf8(v)
        return jcs_string(v)
    if isinstance(v, Obj):
        keys = [k for k, _ in v]
        if len(set(keys)) != len(keys):
            raise Broken('duplicate key in an object')
        pairs = sorted(v, key=lambda kv: utf16_key(kv[0]))
        return '{' + ','.join(jcs_string(k) + ':' + jcs(x) for k, x in pairs) + '}'
    return '[' + ','.join(jcs(x) for x in v) + ']'


_RECORDED_AT = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]*[1-9])?Z')
_STRINGS = ('actor', 'causationId', 'correlationId', 'id', 'prevHash', 'streamId', 'tenant', 'type')


def text_field(env, name):
    v = env.get(name, '')
    if not isinstance(v, str) or isinstance(v, Num):
        raise Broken('%s is not a string' % name)
    return v


def int_field(env, name):
    v = env.get(name)
    if not isinstance(v, Num) or not re.fullmatch(r'-?[0-9]+', v) or abs(int(v)) > _SAFE_INT:
        raise Broken('%s is not an integer within 2^53' % name)
    return v


def trace_context(env):
    tc = env.get('traceContext')
    if tc is None:
        return Obj()
    if not isinstance(tc, Obj) or not all(isinstance(x, str) and not isinstance(x, Num) for _, x in tc):
        raise Broken('traceContext is not an object of strings')
    return tc.unique()


def canonical_v2(env, text):
    at = text_field(env, 'recordedAt')
    if not _RECORDED_AT.fullmatch(at):
        raise Broken('recordedAt %r is not in canonical form' % at)
    obj = Obj()
    for name in _STRINGS + ('recordedAt',):
        obj.append((name, text_field(env, name)))
    obj.append(('schemaVersion', int_field(env, 'schemaVersion')))
    obj.append(('streamVersion', int_field(env, 'streamVersion')))
    obj.append(('traceContext', trace_context(env)))
    if 'data' not in env.spans:
        raise Broken('data is missing')
    obj.append(('data', env.get('data')))
    return [utf8(jcs(obj))]


# ---- scheme v1 (legacy): Go encoding/json output -------------------------

def go_string(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch in '"\\':
            out.append('\\' + ch)
        elif ch in '<>&' or ch in '\u2028\u2029':
            out.append('\\u%04x' % c)
        elif c < 0x20:
            out.append(_SHORT.get(c, '\\u%04x' % c))
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def go_data(raw):
    """The stored data as v1 hashed it: white space outside strings dropped,
    <, >, & and U+2028/U+2029 escaped, everything else byte for byte."""
    out, in_str, esc = [], False, False
    for ch in raw:
        if in_str:
            if esc:
                esc = False
            elif ch == '\\':
                esc = True
            elif ch == '"':
                in_str = False
        elif ch in ' \t\n\r':
            continue
        elif ch == '"':
            in_str = True
        out.append('\\u%04x' % ord(ch) if ch in '<>&\u2028\u2029' else ch)
    return ''.join(out)


def canonical_v1(env, text):
    """Candidates for the v1 bytes: an absent traceContext may have been nil
    (null) or empty ({}); the export omits both, so both are tried."""
    if 'data' not in env.spans:
        raise Broken('data is missing')
    start, end = env.spans['data']
    head = text_field(env, 'prevHash') + '{'
    head += '"id":%s,"type":%s,"schemaVersion":%s,"streamId":%s,"streamVersion":%s,"recordedAt":%s,' % (
        go_string(text_field(env, 'id')), go_string(text_field(env, 'type')), int(int_field(env, 'schemaVersion')),
        go_string(text_field(env, 'streamId')), int(int_field(env, 'streamVersion')),
        go_string(text_field(env, 'recordedAt')))
    head += '"actor":%s,"tenant":%s,"correlationId":%s,"causationId":%s,"traceContext":' % tuple(
        go_string(text_field(env, f)) for f in ('actor', 'tenant', 'correlationId', 'causationId'))
    tail = ',"data":' + go_data(text[start:end]) + '}'
    tc = env.get('traceContext')
    if tc is None:
        traces = ['null', '{}']
    else:
        pairs = sorted(trace_context(env), key=lambda kv: utf8(kv[0]))
        traces = ['{' + ','.join(go_string(k) + ':' + go_string(v) for k, v in pairs) + '}']
    return [utf8(head + t + tail) for t in traces]


SCHEMES = {
    'v1': (re.compile(r'[0-9a-f]{64}'), '', canonical_v1),
    'v2': (re.compile(r'v2:[0-9a-f]{64}'), 'v2:', canonical_v2),
}


def scheme_of(h):
    for name, (pattern, _, _) in SCHEMES.items():
        if isinstance(h, str) and pattern.fullmatch(h):
            return name
    raise Broken('hash %.80r has no known scheme' % (h,))


def check_hash(env, text):
    """Recompute an envelope's hash under the scheme its hash names; return
    the scheme and the canonical bytes that matched."""
    h = env.get('hash')
    name = scheme_of(h)
    _, tag, canonical = SCHEMES[name]
    candidates = canonical(env, text)
    for b in candidates:
        if tag + hashlib.sha256(b).hexdigest() == h:
            return name, b
    raise Broken('hash mismatch, the event was altered')


# ---- walking an export ---------------------------------------------------

def where(env):
    return 'stream %s version %s position %s' % (env.get('streamId'), env.get('streamVersion'), env.get('position'))


def verify_export(path, text, seen):
    doc = parse(text)
    events = doc.unique().get('events') if isinstance(doc, Obj) else None
    if not isinstance(events, list):
        raise Broken('%s: no "events" array' % path)
    heads = {}  # stream id -> (version, hash, scheme) of its last event
    last_pos = 0
    for env in events:
        if not isinstance(env, Obj):
            raise Broken('%s: an event is not an object' % path)
        try:
            env.unique()
            pos = int(int_field(env, 'position'))
            if pos <= last_pos:
                raise Broken('position %d does not follow %d: the feed is out of order' % (pos, last_pos))
            last_pos = pos
            stream = text_field(env, 'streamId')
            version, prev, prev_scheme = heads.get(stream, (0, '', None))
            if int(int_field(env, 'streamVersion')) != version + 1:
                raise Broken('expected version %d of the stream' % (version + 1))
            if text_field(env, 'prevHash') != prev:
                raise Broken('prevHash does not match the previous event')
            scheme, _ = check_hash(env, text)
            if prev_scheme and scheme < prev_scheme:
                raise Broken('hash scheme %s follows %s' % (scheme, prev_scheme))
        except Broken as b:
            raise Broken('%s: %s: %s' % (path, where(env), b)) from None
        heads[stream] = (version + 1, env.get('hash'), scheme)
        seen['events'] += 1
        seen['schemes'].add(scheme)
    seen['streams'] += len(heads)


def verify_vectors(path, text):
    doc = parse(text)
    n = 0
    for v in doc.get('vectors') or []:
        env = v.get('envelope')
        try:
            scheme, got = check_hash(env, text)
            if scheme != v.get('scheme') or env.get('hash') != v.get('hash'):
                raise Broken('scheme or hash differs from the vector')
            if got != utf8(v.get('canonical')):
                raise Broken('canonical bytes differ:\n got %s\nwant %s' % (got.decode(), v.get('canonical')))
        except Broken as b:
            raise Broken('%s: vector %r: %s' % (path, v.get('name'), b)) from None
        n += 1
    if n == 0:
        raise Broken('%s: no vectors' % path)
    return n


def main(argv):
    vectors = argv[:1] == ['--vectors']
    paths = argv[1:] if vectors else argv
    if not paths or any(p.startswith('-') for p in paths):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    seen = {'streams': 0, 'events': 0, 'schemes': set()}
    try:
        for path in paths:
            with open(path, encoding='utf-8') as f:
                text = f.read()
            if vectors:
                print('%s: %d vectors verified' % (path, verify_vectors(path, text)))
            else:
                verify_export(path, text, seen)
    except (OSError, UnicodeDecodeError) as e:
        print('verify.py: %s' % e, file=sys.stderr)
        return 2
    except Broken as b:
        print('BROKEN: %s' % b, file=sys.stderr)
        return 1
    if not vectors:
        print('verified %d events in %d streams, hash schemes: %s' % (
            seen['events'], seen['streams'], ', '.join(sorted(seen['schemes'])) or 'none'))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
