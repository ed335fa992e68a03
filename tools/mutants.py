"""Replay the mutation runs: plant each bug of `tools/mutants.json` in the library, alone, and see which tests catch it.

    python tools/mutants.py                       # every mutant
    python tools/mutants.py --only layers-3 optim-1
    python tools/mutants.py --full                # survivors also against the whole nbdev_test
    python tools/mutants.py --list                # the catalogue
    python tools/mutants.py --check               # only check that every mutant still applies to the code (CI runs it)

The tests are meant to fail when the code is wrong; a mutant is one small bug (a mean for a sum, a check that no longer
refuses...) written into the exported cells of its notebook. All runs in a scratch copy of the repository's tracked
files (`git ls-files`, as they are in the working tree, which is never touched), where `nbdev_test` must first pass
with no bug planted: a test failing already would "catch" every mutant. Then for each mutant: restore the pristine
notebook and library; replace each `old` with its `new` (it must occur exactly once in the notebook's exported cells);
`nbdev_export`; then `nbdev_test` the defining notebook and every notebook that imports its module, directly or through
another module, in notebook order, stopping at the first that fails: KILLED by it. A mutant no test catches SURVIVED;
one whose `old` no longer matches, whose edit leaves invalid Python, or whose export changes nothing, is STALE: rewrite it
for today's code.
Prints a line per mutant and a summary; exits 1 if any survived or is stale.

A full run of 130 mutants took 17.9 min on the 2-core development machine, every one caught by its own notebook
(about 7 s for most, 53 s for the slowest; a survivor runs every notebook that imports its module, over a minute, and
with `--full` the whole nbdev_test again): too slow for CI, which runs only `--check`. Run it by hand after changing the
tests or what they cover, and add the bugs a new feature could hide. `was` in the catalogue names each mutant in the
three hand-run mutation runs, or says it was added after them.
"""
import ast, json, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path
from fastcore.basics import AttrDict
from fastcore.script import call_parse, Param, store_true
from nbdev.process import extract_directives

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT/'tools'/'mutants.json'

def load(): return json.loads(CATALOGUE.read_text())
def edits(m): return m.get('edits') or [[m['old'], m['new']]]   # a mutant that needs two edits lists them in `edits`
def sources(nb): return [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code']

def directives(src:str)->dict: return extract_directives(AttrDict(source=src), remove=False)   # read as nbdev reads them
def exported(src:str)->bool: return bool(directives(src).keys() & {'export', 'exports', 'exporti'})

def scratch_copy()->Path:
    "The tracked files as they are in the working tree, copied to a temporary folder"
    d = Path(tempfile.mkdtemp(prefix='mutants-'))
    for f in subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split('\0'):
        if f and (ROOT/f).is_file(): (d/f).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(ROOT/f, d/f)
    return d

def _module(cells:list)->str|None:
    "The module a notebook's code cells export to: its `#| default_exp`"
    return next((d['default_exp'][0] for c in cells if (d := directives(c)).get('default_exp')), None)

def _imports(cells:list)->set:
    "Names of the library's modules that the code cells import: `mlp_from_scratch.x`, `from .x`, `from mlp_from_scratch import x, y`"
    src = '\n'.join(cells)
    return set(re.findall(r'(?:mlp_from_scratch\.|from \.)(\w+)', src)) | {
        n for g in re.findall(r'from (?:mlp_from_scratch|\.) import \(?([\w, ]+)', src) for n in re.split(r'[ ,]+', g) if n}

def targets(srcs:dict, nb:str)->list:
    "Notebooks that test notebook `nb`'s module: `nb` first, then those that import it or a module that imports it, in order"
    hit, mods = {_module(srcs[nb])}, {_module(s): _imports(s) for s in srcs.values() if _module(s)}
    while new := {m for m,u in mods.items() if u & hit} - hit: hit |= new   # modules importing one hit, until none is added
    return [nb] + [p for p in sorted(srcs) if p != nb and _imports(srcs[p]) & hit]

def sh(cmd, cwd, env=None, **kw): return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, **kw)

def fails(cmd, d, env)->bool:
    "Does the test command fail? One that runs 10 minutes is taken to hang, as a planted bug can make it"
    try: return sh(cmd, d, env, timeout=600).returncode != 0
    except subprocess.TimeoutExpired: return True

def plant(nb:dict, m:dict)->str|None:
    "Write mutant `m` into the exported cells of notebook `nb`, in place; or say why it no longer applies"
    cells,hit = [c for c in nb['cells'] if c['cell_type'] == 'code' and exported(''.join(c['source']))],[]
    for old,new in edits(m):
        if (n := sum(''.join(c['source']).count(old) for c in cells)) != 1: return f'{n} matches in exported cells for {old!r}'
        for c in cells:
            if old in (s := ''.join(c['source'])): c['source'] = s.replace(old, new).splitlines(keepends=True); hit.append(c)
    for c in hit:   # a bug must still be Python: one that breaks the syntax fails every test without testing anything
        try: ast.parse(''.join(c['source']))
        except SyntaxError as e: return f'the edit leaves invalid Python ({e.msg}, line {e.lineno} of the cell)'

def run(m:dict, d:Path, raw:dict, srcs:dict, lib:dict, env:dict, full:bool):
    "Plant mutant `m` in the scratch copy `d`; return (result, the killing notebook or why it is stale)"
    name = f"{m['notebook']}.ipynb"; p = d/'nbs'/name
    for f,b in lib.items(): f.write_bytes(b)   # the pristine library, as the untouched notebooks export it
    nb = json.loads(raw[name])
    if why := plant(nb, m): return 'STALE', why
    try:
        p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
        if (r := sh(['nbdev_export'], d)).returncode: return 'STALE', 'nbdev_export failed: ' + r.stderr.strip()[-300:]
        mod = d/'mlp_from_scratch'/(_module(srcs[name]).replace('.', '/') + '.py')
        if mod.read_bytes() == lib[mod]: return 'STALE', f'nbdev_export left {mod.name} unchanged'
        for t in targets(srcs, name):
            if fails(['nbdev_test', '--path', f'nbs/{t}'], d, env): return 'KILLED', t.removesuffix('.ipynb')
        if full and fails(['nbdev_test'], d, env): return 'KILLED', 'nbdev_test'
        return 'SURVIVED', ''
    finally: p.write_text(raw[name])

@call_parse
def main(only:Param('Run only the mutants with these ids', str, nargs='+')=None,
         full:store_true=False,  # Also run survivors against the whole `nbdev_test`
         list:store_true=False,  # Print the catalogue and stop
         check:store_true=False): # Only check that every mutant still applies to today's notebooks: no tests, a second (CI runs it)
    "Plant each mutant of tools/mutants.json in a scratch copy and report which notebook's tests catch it"
    ms = load()
    if dup := sorted({m['id'] for m in ms if sum(n['id'] == m['id'] for n in ms) > 1}):
        sys.exit(f"mutants.py: ids used twice in tools/mutants.json: {', '.join(dup)}")
    if only:
        if bad := set(only) - {m['id'] for m in ms}: sys.exit(f'mutants.py: no mutant {", ".join(sorted(bad))}')
        ms = [m for m in ms if m['id'] in only]
    if list:
        for m in ms: print(f"{m['id']:18} {m['notebook']:16} {m['bug']}\n" + ''.join(f'    - {o!r}\n    + {n!r}\n' for o,n in edits(m)))
        return
    if check:
        stale = [(m['id'], why) for m in ms if (why := plant(json.loads((ROOT/'nbs'/f"{m['notebook']}.ipynb").read_text()), m))]
        for i,why in stale: print(f'{i}: STALE, {why}')
        if stale: sys.exit(f'mutants.py: {len(stale)} of {len(ms)} mutants no longer apply to the code; in tools/mutants.json, '
                           'rewrite each for today\'s code (the same bug) or drop it if its code is gone')
        return print(f'all {len(ms)} mutants apply to today\'s code')
    start, d = time.time(), scratch_copy()
    # The scratch copy's library comes first on the path; no bytecode, since a mutant the same size as the last one
    # and written within the same second could otherwise be run from the last one's stale .pyc;
    # and one thread a notebook, as the README's test command has it: nbdev_test runs a notebook per core
    env = dict(os.environ, PYTHONPATH=str(d), PYTHONDONTWRITEBYTECODE='1', OMP_NUM_THREADS='1')
    try:
        sh(['nbdev_export'], d).check_returncode()   # so that "the module changed" means the mutant changed it
        t0 = time.time()   # a test that fails with no bug planted would "kill" every mutant it runs on
        if (r := sh(['nbdev_test'], d, env)).returncode: sys.exit('mutants.py: nbdev_test fails with no bug planted:\n' + r.stderr[-2000:])
        print(f'nbdev_test passes with no bug planted ({time.time()-t0:.0f} s)', flush=True)
        raw = {p.name: p.read_text() for p in sorted((d/'nbs').glob('*.ipynb'))}
        srcs = {k: sources(json.loads(v)) for k,v in raw.items()}
        lib = {f: f.read_bytes() for f in (d/'mlp_from_scratch').rglob('*.py')}
        res = {}
        for m in ms:
            t0 = time.time()
            r,why = res[m['id']] = run(m, d, raw, srcs, lib, env, full)
            print(f"{m['id']:18} {r:8} {why if r != 'STALE' else '':16} {time.time()-t0:5.0f} s  {m['bug']}" +
                  (f'\n    STALE: {why}' if r == 'STALE' else ''), flush=True)
    finally: shutil.rmtree(d, ignore_errors=True)
    n = {k: [i for i,(r,_) in res.items() if r == k] for k in ('KILLED', 'SURVIVED', 'STALE')}
    print(f"\n{len(n['KILLED'])} of {len(res)} caught, in {(time.time()-start)/60:.1f} min" +
          ''.join(f"; {k.lower()}: {', '.join(v)}" for k,v in n.items() if k != 'KILLED' and v))
    sys.exit(1 if n['SURVIVED'] or n['STALE'] else 0)
