"""Does a fused backward of the cross-entropy make the library's training step faster? Both forms, in one run.

    python bench/loss.py                 # the defaults' step and the speed preset's

`CrossEntropy.bwd` (nbs/07_losses.ipynb) computes $(p - q)\\cdot g/n$ as the formula reads: the softmax $p$ less the
one-hot target times $1-\\varepsilon$ and less $\\varepsilon/c$ (that is, less the smoothed target $q$), times the
upstream gradient over $n$. A fused form need not build the one-hot matrix: it subtracts $1-\\varepsilon$ in place at
each row's target with `scatter_add_`, then $\\varepsilon/c$ everywhere, in place. Both give the same numbers bit for
bit (checked below, in float32 and float64, with and without smoothing). Here the library's training step
(`hand_step` with `get_model`, the loss and `SGD`, as `mlp_train` trains) is timed with each, for the defaults' step
(784-256-10, batches of 128, no smoothing) and the speed preset's (100 inputs, batches of 256, smoothing 0.1): short
runs alternate, in both orders, and the median of the rounds' ratios is the answer.

A fused form that saves under 5% of a step has not earned a place in the library, which keeps the form that reads as
the formula. The current figures are in bench/README.md.
"""
import statistics, sys, time
import torch
from fastcore.script import call_parse
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.init import get_model
from mlp_from_scratch.learner import batches, hand_step
from mlp_from_scratch.losses import CrossEntropy
from mlp_from_scratch.optim import SGD

def fused_bwd(self, out, inp, targ):
    "`CrossEntropy.bwd` fused: the softmax, less 1-eps at each row's target and eps/c everywhere, in place"
    eps,c = self.smoothing,inp.shape[-1]
    g = self.logp.exp()
    g.scatter_add_(1, targ[:,None], g.new_full((len(targ), 1), eps-1.))
    if eps: g.sub_(eps/c)
    inp.g = g.mul_(out.g / len(targ))

def check_same():
    "The two forms give the same gradient, bit for bit"
    g = torch.Generator().manual_seed(0)
    for dtype in (torch.float32, torch.float64):
        for eps in (0., 0.1):
            x,t = torch.randn(64, 10, generator=g, dtype=dtype),torch.randint(0, 10, (64,), generator=g)
            grads = []
            for bwd in (CrossEntropy.bwd, fused_bwd):
                xi = x.clone(); l = CrossEntropy(eps); out = l(xi, t); out.g = torch.tensor(2.5, dtype=dtype)
                bwd(l, out, xi, t); grads.append(xi.g)
            assert torch.equal(*grads), f'the two forms differ ({dtype}, smoothing {eps})'

SHAPES = {'defaults': (784, 128, 0.), 'speed': (100, 256, 0.1)}   # inputs, batch size, smoothing

@call_parse
def main(nh:int=256,       # Hidden units
         steps:int=10,     # Steps in each timed run: short runs, so that both ways meet the same load
         rounds:int=200):  # Timed runs of each way, for each shape
    "Time the library's training step with the cross-entropy's backward as the formula reads, and fused"
    for k,v in dict(steps=steps, rounds=rounds, nh=nh).items():
        if v < 1: sys.exit(f'loss.py: --{k} must be at least 1, got {v}')
    check_same()
    x,y = load_mnist()[:2]
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, {threads} thread{'s'*(threads != 1)}; {steps} steps a run, {rounds} rounds; "
          "the two forms give the same gradients, bit for bit")
    formula = CrossEntropy.bwd
    for shape,(n_in,bs,eps) in SHAPES.items():
        xs = x[:, (784-n_in)//2:][:, :n_in].contiguous()
        idxs = [i for i in batches(len(xs), bs, torch.Generator().manual_seed(0)) if len(i) == bs][:steps]
        model = get_model(n_in, nh, 10, generator=torch.Generator().manual_seed(0))
        opt = SGD(model.parameters(), lr=0.01)
        def run(bwd):
            CrossEntropy.bwd = bwd
            t0 = time.perf_counter()
            for idx in idxs: hand_step(model, opt, xs.index_select(0, idx), y.index_select(0, idx), 0.01, eps)
            return (time.perf_counter() - t0) / len(idxs)
        times = {'fused': [], 'formula': []}
        try:
            for r in range(rounds):
                for name,bwd in list(zip(times, (fused_bwd, formula)))[::1 if r%2 else -1]: times[name].append(run(bwd))
        finally: CrossEntropy.bwd = formula
        ratio = statistics.median(u/v for u,v in zip(times['formula'], times['fused']))
        print(f"{shape:<9} {n_in}-{nh}-10, batches of {bs}, smoothing {eps}: a step takes (median ms) "
              + ', '.join(f'{k} {statistics.median(v)*1e3:.3f}' for k,v in times.items())
              + f"; formula / fused: median {ratio:.3f}")
