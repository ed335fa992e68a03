"""End-to-end test of the exercise notebooks (see nbs/23_exercise_nbs.ipynb); CI runs it after nbdev_test.

Writes the learner's copies of the lesson notebooks into temporary folders with `mlp_exercises` and
runs each from top to bottom in this process (execnb, as nbdev_test does), stopping at any error:
  - untouched: every check says "not done yet", and the notebook still runs to the end;
  - with the library's own answers: every check passes;
  - with right answers of this script's own, written otherwise than the library's (einsum, torch.where, indexing,
    torch.softmax, another order of operations): every check passes, and every later cell still runs with them;
  - with the mistakes of the catalogue planted, one per exercise in each run: each check names its
    mistake and falls back to the library's version, and every other check passes.
Prints one line per notebook run and ends with 'N passed, M failed'; exits 1 if anything failed.
Usage: python tools/test_exercises.py"""
import subprocess, sys, tempfile, time
from pathlib import Path
import torch
from mlp_from_scratch.grading import EXERCISES
from mlp_from_scratch.exercise_nbs import write_exercises, run_exercise_nb

# One process runs every notebook, mostly on small tensors: one thread, as nbdev_test should be run
# (OMP_NUM_THREADS=1), since a second mostly spins, and on a loaded machine makes a run several times slower.
torch.set_num_threads(1)

# Right answers, each written otherwise than the library's: a learner's answer need not be the library's to pass,
# and the rest of the notebook must run with it (a later cell may not pin the library's exact bits)
OTHER_ANSWERS = {
    'mse_grad': 'd = inp - targ[:,None]\ninp.g = d * (2 * g / d.shape[0])',
    'lin_grad': "if inp_g: inp.g = torch.einsum('nj,ij->ni', out.g, w)\n"
                "w.g = torch.einsum('ni,nj->ij', inp, out.g)\n"
                'if b is not None: b.g = out.g.sum(dim=0)',
    'relu_grad': 'inp.g = torch.where(inp > 0, out.g, torch.zeros_like(out.g))',
    'forward_and_backward': 'l1 = inp @ w1 + b1\nl2 = l1.clamp_min(0.)\nout = torch.addmm(b2, l2, w2)\n'
                            'diff = out.squeeze(1) - targ\nloss = (diff * diff).sum() / len(targ)\n'
                            'out.g = diff.unsqueeze(1) / len(targ) * 2\n'
                            "w2.g,b2.g,l2.g = torch.einsum('ni,nj->ij', l2, out.g), out.g.sum(0), out.g @ w2.T\n"
                            'l1.g = l2.g * (l1 > 0)\n'
                            "w1.g,b1.g,inp.g = torch.einsum('ni,nj->ij', inp, l1.g), l1.g.sum(0), l1.g @ w1.T\n"
                            'return loss',
    'Relu.bwd': 'inp.g = out.g.masked_fill(inp <= 0, 0.)',
    'Lin.bwd': "inp.g = out.g @ self.w.T\nself.w.g = torch.einsum('ni,nj->ij', inp, out.g)\n"
               'if self.b is not None: self.b.g = out.g.sum(0)',
    'Mse.bwd': 'inp.g = 2 * (inp - targ.unsqueeze(-1)) / len(targ) * out.g',
    'nll_grad': 'inp.g = torch.zeros_like(inp)\ninp.g[torch.arange(len(targ)), targ] = -g / len(targ)',
    'log_softmax_grad': 'inp.g = out.g - torch.softmax(inp, -1) * out.g.sum(-1, keepdim=True)',
    'CrossEntropy.bwd': 'p = torch.softmax(inp, -1)\nq = torch.full_like(p, self.smoothing / p.shape[-1])\n'
                        'q[torch.arange(len(targ)), targ] += 1 - self.smoothing\n'
                        'inp.g = (p - q) / len(targ) * out.g',
    'Dropout.bwd': 'inp.g = out.g.clone() if self.mask is None else torch.where(self.mask > 0, out.g * self.mask, 0.)',
    'BatchNorm.bwd': 'self.beta.g,self.gamma.g = out.g.sum(0),(out.g * self.xhat).sum(0)\n'
                     'dxhat = out.g * self.gamma\n'
                     'if not self.batch_stats: inp.g = dxhat * self.rstd\n'
                     'else: inp.g = self.rstd * (dxhat - dxhat.mean(0) - self.xhat * (dxhat * self.xhat).mean(0))'}
assert set(OTHER_ANSWERS) == set(EXERCISES), 'an answer of our own for every exercise'

passed, failed = 0, []

def expect(ok:bool, what:str, out:str=''):
    "Count one test; keep what failed, with the check's output"
    global passed
    if ok: passed += 1
    else: failed.append(f'{what}\n    ' + out.rstrip().replace('\n', '\n    '))

def run(label:str, expected:dict, only=None, **kw):
    """Write the copies with `kw`; run those holding an exercise in `only` (default all).
    `expected`: {name: test of its check's output}"""
    with tempfile.TemporaryDirectory() as d:
        for p,names in write_exercises(Path(d)/'exercises', **kw).items():
            if only is not None and not set(names) & set(only): continue
            start = time.time()
            try: outs = run_exercise_nb(p)
            except Exception as e:
                expect(False, f'{label}: {p.name} raised {type(e).__name__}: {e}'); continue
            print(f'{label:<12} {p.name:<20} {time.time()-start:5.1f} s', flush=True)
            for n in names:
                if n in expected:
                    expect(expected[n](outs.get(n, '')), f'{label}: the check of {n} in {p.name}',
                           outs.get(n, '<no output>'))

def todo(out): return (out.startswith('todo') and 'is not done yet' in out and 'Stuck? hint(' in out
                       and "uses the library's" in out)
def passes(out): return out.rstrip().endswith('passes: the rest of this notebook uses yours.') and 'FAIL' not in out
def names(m): return lambda out: (m.says or f'wrong in a known way: {m.desc}') in out and "uses the library's" in out

start = time.time()
with tempfile.TemporaryDirectory() as d:   # the console script, as a learner runs it
    r = subprocess.run(['mlp_exercises', str(Path(d)/'ex')], capture_output=True, text=True)
    expect(r.returncode == 0 and (Path(d)/'ex'/'README.md').exists()
           and r.stdout.startswith(f'Wrote {len(EXERCISES)} exercises'), 'mlp_exercises DEST', r.stdout + r.stderr)
    r = subprocess.run(['mlp_exercises', str(Path(d)/'ex')], capture_output=True, text=True)
    expect(r.returncode == 1 and 'pass --force' in r.stderr, 'mlp_exercises refuses a folder with work in it',
           r.stdout + r.stderr)

run('untouched', {n: todo for n in EXERCISES})
run('answers', {n: passes for n in EXERCISES}, answers=True)
run('other answers', {n: passes for n in EXERCISES}, bodies=OTHER_ANSWERS)
for i in range(max(len(e.mistakes) for e in EXERCISES.values())):
    planted = {n: e.mistakes[i] for n,e in EXERCISES.items() if i < len(e.mistakes)}
    run(f'mistakes {i+1}', {n: names(planted[n]) if n in planted else passes for n in EXERCISES}, only=planted,
        answers=True, bodies={n: m.code for n,m in planted.items()})

for f in failed: print('FAIL', f)
print(f'exercise notebooks end to end in {time.time()-start:.0f} s')
print(f'exercises: {passed} passed, {len(failed)} failed')
sys.exit(1 if failed else 0)
