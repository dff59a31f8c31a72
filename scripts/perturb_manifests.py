"""Ground truth for manifest places, by perturbation with real Helm (no trace-value involved).

usage: ~/.cache/helm-oracle-venv/bin/python scripts/perturb_manifests.py CHART OUT.json
           [-f VALUES] [--name RELEASE] [--max N] [--null]

A sibling of ../shared/oracle/perturb.py (which records changed Alloy blocks): for each
scalar values key of the chart (strings and numbers, as perturb.py picks them), change its
value (string + "zq", number + 7; with --null, set it to null, which Helm's coalescing
deletes together with the chart's default), render with Helm's own engine (helm_python, the oracle's),
and record which manifest fields changed: for every YAML document, its resource `Kind/name`
and the path of each changed, added or removed scalar, written as trace-value writes paths
(dot-separated keys, `[N]` for list items, `["..."]` around keys that are not plain words).
A multi-line string holding YAML or JSON (a ConfigMap's prometheus.yml, a JSON dashboard)
continues the path inside it, as trace-value does for block scalars; Alloy configs
(`*.alloy`) stay one field. A document that appears or disappears is recorded with the
path "" (the whole document).

OUT.json: {"chart", "values", "release", "keys": {"<key in --set notation>":
           {"fields": [[resource, path], ...]} or {"error": "<Helm's message>"}}}.
A key whose change alters nothing has "fields": []. Fields that differ between two renders
of the unchanged values (random passwords, checksums of them) are listed under "noise" and
left out of every key's fields.
Run it with the oracle venv's python (the one ../shared/oracle/perturb creates).
"""
import argparse, copy, json, re, sys, time
import helm_python as helm
import yaml

ap = argparse.ArgumentParser()
ap.add_argument('chart'); ap.add_argument('out')
ap.add_argument('-f', dest='values', default=None)
ap.add_argument('--max', type=int, default=1000); ap.add_argument('--name', default='rel')
ap.add_argument('--null', action='store_true', help='perturb each key to null (a deletion)')
a = ap.parse_args()
user = (helm.values_from_yaml(open(a.values).read()) or {}) if a.values else {}


def render(vals):
    with helm.Chart.load(a.chart) as c:
        return c.render(vals, name=a.name, namespace='default')


PLAIN = re.compile(r'^[A-Za-z0-9_-]+$')


def seg(k):
    if isinstance(k, int):
        return f'[{k}]'
    k = str(k)
    if PLAIN.match(k):
        return '.' + k
    return '["' + k.replace('\\', '\\\\').replace('"', '\\"') + '"]'


def join(path, k):
    s = path + seg(k)
    return s[1:] if s.startswith('.') else s


def embedded(key, text):
    """The collection a multi-line string holds, or None."""
    if '\n' not in text.strip('\n') and not text.endswith('\n'):
        return None
    if str(key).endswith('.alloy') or text.lstrip().startswith('#'):
        return None
    try:
        v = yaml.safe_load(text)
    except Exception:
        return None
    return v if isinstance(v, (dict, list)) and v else None


def flatten(node, path, out, key=None):
    if isinstance(node, dict):
        if not node:
            out[path] = '{}'
        for k, v in node.items():
            flatten(v, join(path, k), out, k)
    elif isinstance(node, list):
        if not node:
            out[path] = '[]'
        for i, v in enumerate(node):
            flatten(v, join(path, i), out, i)
    else:
        inner = embedded(key, node) if isinstance(node, str) else None
        if inner is not None:
            flatten(inner, path, out, key)
        else:
            out[path] = repr(node)


def manifests(files):
    """{resource: {path: value}} for every YAML document of the render."""
    res = {}
    for path, text in files.items():
        if path.endswith('NOTES.txt'):
            continue
        try:
            docs = list(yaml.safe_load_all(text))
        except Exception:
            continue
        for d in docs:
            if not isinstance(d, dict) or 'kind' not in d:
                continue
            name = (d.get('metadata') or {}).get('name')
            if name is None:
                continue
            leaves = {}
            flatten(d, '', leaves)
            res[f"{d['kind']}/{name}"] = leaves
    return res


def changed(base, new):
    hit = set()
    for r in set(base) | set(new):
        if r not in base or r not in new:
            hit.add((r, ''))
            continue
        b, n = base[r], new[r]
        for p in set(b) | set(n):
            if b.get(p) != n.get(p):
                hit.add((r, p))
    return sorted(hit)


def leaves(node, path=''):
    if isinstance(node, dict):
        for k, v in node.items():
            kk = k.replace('.', '\\.')
            yield from leaves(v, f'{path}.{kk}' if path else kk)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, f'{path}[{i}]')
    elif isinstance(node, (str, int, float)) and not isinstance(node, bool):
        yield path, node


def split(path):
    parts = []
    for s in re.findall(r'(?:\\\.|[^.])+', path):
        m = re.match(r'^(.*?)((?:\[\d+\])*)$', s)
        parts.append(m.group(1).replace('\\.', '.'))
        parts += [int(x) for x in re.findall(r'\[(\d+)\]', m.group(2))]
    return parts


def setpath(vals, full, path, value):
    """Set path in user values; lists are copied whole from the merged tree."""
    parts = split(path); cur = vals; src = full
    for i, p in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(p, int):
            cur = cur[p]; src = src[p]; continue
        src = src.get(p) if isinstance(src, dict) else None
        if isinstance(nxt, int):
            if not isinstance(cur.get(p), list): cur[p] = copy.deepcopy(src)
        elif not isinstance(cur.get(p), dict):
            cur[p] = {}
        cur = cur[p]
    cur[parts[-1]] = value


with helm.Chart.load(a.chart) as c:
    merged = c.merge_values(user)
cands = [(p, v) for p, v in leaves(merged) if not p.startswith('global')][:a.max]
base = manifests(render(user))
# Fields that differ between two renders of the same values (random passwords and
# what digests them) are noise, left out of every key's answer.
noise = set(changed(base, manifests(render(user))))
res = {'chart': a.chart, 'values': a.values, 'release': a.name, 'null': a.null,
       'noise': sorted(list(n) for n in noise), 'keys': {}}
t0 = time.time()
for path, v in cands:
    newv = None if a.null else v + 'zq' if isinstance(v, str) else v + 7
    vals = copy.deepcopy(user)
    try:
        setpath(vals, merged, path, newv)
        hit = [h for h in changed(base, manifests(render(vals))) if h not in noise]
        res['keys'][path] = {'fields': [list(h) for h in hit]}
    except Exception as e:
        res['keys'][path] = {'error': str(e)[:200]}
    print(f'{len(res["keys"])}/{len(cands)} {path}: {res["keys"][path]}'[:220], flush=True)
res['secs'] = round(time.time() - t0, 1)
json.dump(res, open(a.out, 'w'), indent=1, sort_keys=True)
