"""Does a foreach update make the library's training step faster? The same steps, updated two ways, in one run.

    python bench/update.py               # SGD, as every preset of `mlp_train` trains
    python bench/update.py --opt adam    # Adam
    python bench/update.py --opt adam-out-of-place   # Adam with its denominator out of place, against the foreach form
    python bench/update.py --device cuda # on a GPU

`mlp_from_scratch.optim` writes each optimiser's update for one parameter at a time, so that each line reads as its
formula. PyTorch's own optimisers apply each operation to all the parameters in one call instead, with the private
`torch._foreach_*` functions. On the CPU those loop over the tensors in C++ with the same per-tensor kernels, so they
give the same numbers bit for bit (checked below) and can only save Python's overhead: a few calls per parameter.
Here the library's training step (`hand_step` with `get_model`, `CrossEntropy` and the optimiser, as `mlp_train`
trains) is timed with the library's optimiser and with the same optimiser updating through `torch._foreach_*`, for
two shapes: the defaults' step (784-256-10, batches of 128) and the speed preset's (100 inputs, batches of 256).
Short runs alternate, in both orders, so that both meet the same machine load (this machine's load comes in bursts
of tens of milliseconds): each round gives the ratio of the two times, and the median of the rounds' ratios is the
answer.

The method's answer, and what it means for the library, are in bench/README.md. Making temporaries does cost:
`adam-out-of-place` writes Adam's denominator out of place, two more temporaries the size of each parameter, against
the foreach form, which is why the library's Adam divides and shifts it in place.

Not yet measured on a GPU, where the two forms differ more: each per-parameter operation is a kernel launch (8 for an
SGD step of the 4 parameters, against 2 foreach launches), and a step of these small networks is bound by launches.
`--device cuda` measures it; a gain there over 5% would earn the foreach form a place for CUDA tensors.
"""
import math, statistics, sys, time
import torch
from fastcore.script import call_parse, Param
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.init import get_model
from mlp_from_scratch.learner import batches, hand_step
from mlp_from_scratch.optim import SGD, Adam
from mlp_from_scratch.config import get_device

def _decayed_grads(opt):
    "Count the step and add the weight decay to every `.g`, as `Optimizer.step` does, in one call"
    opt.t += 1
    grads = [p.g for p in opt.params]
    if opt.wd: torch._foreach_add_(grads, opt.params, alpha=opt.wd)
    return grads

class ForeachSGD(SGD):
    "`SGD`, each operation applied to all the parameters in one call of `torch._foreach_*`"
    def step(self):
        grads,avgs = _decayed_grads(self),[s['avg'] for s in self.state]
        torch._foreach_lerp_(avgs, grads, 1-self.mom)
        torch._foreach_add_(self.params, avgs, alpha=-self.lr/(1-self.mom))

class ForeachAdam(Adam):
    "`Adam`, each operation applied to all the parameters in one call of `torch._foreach_*`"
    def step(self):
        grads = _decayed_grads(self)
        avgs,sqr_avgs = [s['avg'] for s in self.state],[s['sqr_avg'] for s in self.state]
        torch._foreach_lerp_(avgs, grads, 1-self.beta1)
        torch._foreach_mul_(sqr_avgs, self.beta2)
        torch._foreach_addcmul_(sqr_avgs, grads, grads, value=1-self.beta2)
        denom = torch._foreach_sqrt(sqr_avgs)
        torch._foreach_div_(denom, math.sqrt(1 - self.beta2**self.t))
        torch._foreach_add_(denom, self.eps)
        torch._foreach_addcdiv_(self.params, avgs, denom, value=-self.lr / (1 - self.beta1**self.t))

class OutOfPlaceAdam(Adam):
    "`Adam` with its denominator written out of place, `sqr_avg.sqrt()/c + eps`: two more temporaries a parameter"
    def update(self, p, g, avg, sqr_avg):
        avg.lerp_(g, 1-self.beta1)
        sqr_avg.mul_(self.beta2).addcmul_(g, g, value=1-self.beta2)
        denom = sqr_avg.sqrt()/math.sqrt(1 - self.beta2**self.t) + self.eps
        p.addcdiv_(avg, denom, value=-self.lr/(1 - self.beta1**self.t))

# each: the optimiser timed, its foreach form, a learning rate
OPTS = {'sgd': (SGD, ForeachSGD, 0.01), 'adam': (Adam, ForeachAdam, 1e-3),
        'adam-out-of-place': (OutOfPlaceAdam, ForeachAdam, 1e-3)}
SHAPES = {'defaults': (784, 128), 'speed': (100, 256)}                      # inputs, batch size

def trainer(x, y, n_in, nh, opt_cls, lr, wd):
    "A fresh model and optimiser, and a function that runs the library's training step on the batches `idxs`"
    model = get_model(n_in, nh, 10, generator=torch.Generator().manual_seed(0), device=x.device)
    opt = opt_cls(model.parameters(), lr=lr, wd=wd)
    def run(idxs):
        for idx in idxs: hand_step(model, opt, x.index_select(0, idx), y.index_select(0, idx), lr)
    return run,model

@call_parse
def main(opt:Param('Optimiser', str, choices=list(OPTS))='sgd',
         nh:int=256,       # Hidden units
         wd:float=0.,      # Weight decay
         steps:int=10,     # Steps in each timed run: short runs, so that both ways meet the same load
         rounds:int=200,   # Timed runs of each way, for each shape
         device:str='cpu'): # Where to train: cpu, or cuda to time the two on a GPU
    "Time the library's training step with its per-parameter update against the same step with a foreach update"
    for k,v in dict(steps=steps, rounds=rounds, nh=nh).items():
        if v < 1: sys.exit(f'update.py: --{k} must be at least 1, got {v}')
    mine,foreach,lr = OPTS[opt]
    try: dev = get_device(device)
    except ValueError as e: sys.exit(f'update.py: {e}')
    x,y = (t.to(dev) for t in load_mnist()[:2])
    def sync():
        if dev.type == 'cuda': torch.cuda.synchronize(dev)
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, {dev} ({threads} thread{'s'*(threads != 1)}); {opt}, wd {wd}, "
          f"{steps} steps a run, {rounds} rounds")
    for shape,(n_in,bs) in SHAPES.items():
        xs = x[:, (784-n_in)//2:][:, :n_in].contiguous()
        idxs = [i for i in batches(len(xs), bs, torch.Generator().manual_seed(0), dev) if len(i) == bs][:max(steps, 5)]
        (a,ma),(b,mb) = (trainer(xs, y, n_in, nh, c, lr, wd) for c in (mine, foreach))
        a(idxs[:5]); b(idxs[:5])     # the same 5 steps: the same parameters, bit for bit on the CPU
        for p,q in zip(ma.parameters(), mb.parameters()):   # a GPU's fused foreach kernels may round differently
            assert torch.equal(p, q) if dev.type == 'cpu' else torch.allclose(p, q, rtol=1e-5, atol=1e-7), 'they differ'
        times = {'per parameter': [], 'foreach': []}
        for r in range(rounds):
            for name,f in list(zip(times, (a, b)))[::1 if r%2 else -1]:   # both orders, in turn
                sync(); t0 = time.perf_counter()
                f(idxs); sync()
                times[name].append((time.perf_counter()-t0) / len(idxs))
        ratio = statistics.median(u/v for u,v in zip(*times.values()))
        print(f"{shape:<9} {n_in}-{nh}-10, batches of {bs}: a step takes (median ms) " +
              ', '.join(f'{k} {statistics.median(v)*1e3:.3f}' for k,v in times.items()) +
              f"; per parameter / foreach: median {ratio:.3f}")
