"""Verify `trace-value check` on a chart's examples by perturbation with Helm's own engine.

usage: ~/.cache/helm-oracle-venv/bin/python scripts/verify_check.py TRACE_VALUE CHART EXAMPLES_DIR OUT.json

For every values.yaml under EXAMPLES_DIR (one example each), run `TRACE_VALUE check CHART -f
values.yaml --format json`; for every finding (a key that, check says, changes nothing), change
that key in a copy of the values (string + "zq", number + 7, boolean negated, list or map
removed), render both with ../shared/oracle/helm-render (Helm's engine, no trace-value), and
record whether the output changed. A finding is true when it did not.

OUT.json: {"chart", "examples": {"<example>": [{"key", "rule", "changed": bool}]}}; an example
with no findings has []. The test tests/docs_and_check.rs reads it: check must report exactly
these findings, and none whose perturbation changed Helm's output.
"""
import json, os, re, subprocess, sys, tempfile
import yaml

tv, chart, examples, out_path = sys.argv[1:5]
oracle = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'oracle', 'helm-render')
oracle = os.environ.get('HELM_ORACLE', '/work/shared/oracle/helm-render' if not os.path.exists(oracle) else oracle)
RELEASE = 'k8smon'


def split_key(key):
    """`a.b\\.c[0].d` -> ['a', 'b.c', 0, 'd']."""
    parts, cur, i = [], '', 0
    while i < len(key):
        c = key[i]
        if c == '\\' and i + 1 < len(key):
            cur += key[i + 1]; i += 2; continue
        if c == '.':
            if cur: parts.append(cur)
            cur = ''
        elif c == '[':
            if cur: parts.append(cur)
            cur = ''
            j = key.index(']', i)
            parts.append(int(key[i + 1:j])); i = j
        else:
            cur += c
        i += 1
    if cur: parts.append(cur)
    return parts


def perturb(values, key):
    path = split_key(key)
    node = values
    for p in path[:-1]:
        node = node[p]
    last = path[-1]
    v = node[last]
    if isinstance(v, bool):
        node[last] = not v
    elif isinstance(v, (int, float)):
        node[last] = v + 7
    elif isinstance(v, str):
        node[last] = v + 'zq'
    elif isinstance(node, list):
        node.pop(last)
    else:
        del node[last]


def render(values_file):
    r = subprocess.run([oracle, chart, '-f', values_file, '--name', RELEASE],
                       capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def save(result):
    with open(out_path, 'w') as o:
        json.dump({'chart': os.path.basename(os.path.normpath(chart)), 'examples': result},
                  o, indent=1, sort_keys=True)
        o.write('\n')


def verify(vf):
    name = os.path.relpath(os.path.dirname(vf), examples)
    r = subprocess.run([tv, 'check', chart, '-f', vf, '--format', 'json'], capture_output=True, text=True)
    if r.returncode != 0:
        print(name, 'check failed', r.stderr.strip()[:200], file=sys.stderr)
        return name, {'error': r.stderr.strip()}
    findings = json.loads(r.stdout)['findings']
    entries = []
    if findings:
        base = render(vf)
        for f in findings:
            values = yaml.safe_load(open(vf)) or {}
            try:
                perturb(values, f['key'])
            except (KeyError, IndexError, TypeError, ValueError) as e:
                entries.append({'key': f['key'], 'rule': f['rule'], 'changed': None, 'note': f'cannot perturb: {e}'})
                continue
            with tempfile.NamedTemporaryFile('w', suffix='.yaml', delete=False) as t:
                yaml.safe_dump(values, t, sort_keys=False)
            after = render(t.name)
            os.unlink(t.name)
            entries.append({'key': f['key'], 'rule': f['rule'], 'changed': after != base})
    print(name, len(entries), [e for e in entries if e.get('changed') is not False], file=sys.stderr, flush=True)
    return name, entries


# Two at a time (the machine has two cores); the file is rewritten after each
# example, so an interrupted run keeps what it verified.
from concurrent.futures import ThreadPoolExecutor
files = sorted(os.path.join(d, 'values.yaml') for d, _, fs in os.walk(examples) if 'values.yaml' in fs)
result = {}
# VERIFY_ONLY=a,b re-verifies those examples and keeps the rest of OUT.json.
only = [n for n in os.environ.get('VERIFY_ONLY', '').split(',') if n]
if only:
    result = json.load(open(out_path))['examples']
    files = [f for f in files if os.path.relpath(os.path.dirname(f), examples) in only]
with ThreadPoolExecutor(2) as pool:
    for name, entries in pool.map(verify, files):
        result[name] = entries
        save(result)
