"""How near the training floor can one training step get? The library's step against the same step written inline.

    python bench/step.py                       # the defaults' step: 784-256-10, batches of 128, SGD with momentum 0.9
    python bench/step.py --n_in 100 --bs 256   # the shape of the speed preset's step: 100 inputs, batches of 256
    python bench/step.py --compiled            # and the inline step through torch.compile (about 15 s more)
    python bench/step.py --cpp                 # and the step fused by hand in C++ (a C++ compiler and ninja; 40 s)

Ways to make the same SGD step of the `n_in`-`nh`-10 classifier, on the same batches:
- floor: the batch's gather, the five matrix products and one fused pass of SGD with momentum over every parameter
  (`torch._fused_sgd_`, at a learning rate of 0, so the parameters stay put; the biases' gradients are stand-ins of the
  right shapes): the work any training with momentum must do, as `bench/train.py` counts it;
- products: the gather and the matrix products alone, the floor without its update;
- library: `hand_step` with `get_model`'s layers, the `CrossEntropy` loss and the `SGD` optimiser, as `mlp_train`
  trains;
- inline: the same arithmetic written out in one function, with no layers: `addmm` adds the biases, the ReLU and the
  loss's gradient work in place, the gradients go to buffers reused every step, and one `_foreach` call updates all
  the momenta and one all the parameters. Every gradient is still there for a check to read, as `.g` is;
- inline, momentum folded: the weight gradients go straight into the momenta, `addmm(avg, a.t(), g, beta=mom,
  alpha=1-mom)`, so no gradient is ever stored, which is what the library's `.g` contract rules out;
- inline, compiled (with `--compiled`): the inline step through `torch.compile`, whose inductor fuses the elementwise
  work into generated C++ loops: what fused kernels from torch's own compiler buy;
- fused in C++ (with `--cpp`): the folded step as one C++ function, built once by `torch.utils.cpp_extension`: ATen's
  gather, matrix products and update, and plain loops for the rest, each one pass: the bias and the ReLU; the bias, the
  softmax and the loss's gradient; the ReLU's mask with the bias's gradient summed into its momentum. No Python between
  operations and no pass over memory that the step can spare: what a step fused by hand buys. A reference only: the
  library keeps its layers, since a step that stores no gradient leaves no `.g` for the checks to read.
Before timing, five steps of each of these ways are checked against five of the library's: the same parameters, to
float32 rounding. Runs alternate so that all meet the same machine load; each reports its time per step and its ratios
to the floor's and to the products', the fastest round and the median of the rounds' ratios.
"""
import statistics, sys, time
from functools import cache, partial
import torch
from fastcore.script import call_parse
from fastcore.test import test_close
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.init import get_model
from mlp_from_scratch.optim import SGD
from mlp_from_scratch.learner import batches, hand_step

def floor(x, y, ps, idxs, lr, avgs=None, mom=0.9):
    """The batch's gather and the five matrix products; with momenta `avgs`, one fused SGD update of `ps` too (at a
    learning rate of 0, so the parameters stay put; the biases' gradients are stand-ins of the right shapes)"""
    w1,_,w2,_ = ps
    for idx in idxs:
        xb = x.index_select(0, idx)
        h = xb @ w1
        g = h @ w2
        g2 = h.t() @ g         # w2's gradient
        hg = g @ w2.t()
        g1 = xb.t() @ hg       # w1's gradient
        if avgs: torch._fused_sgd_(ps, [g1, hg[0], g2, g[0]], avgs, weight_decay=0., momentum=mom, lr=0.,
                                   dampening=mom, nesterov=False, maximize=False, is_first_step=False)

def library(model, opt):
    def run(x, y, ps, idxs, lr):
        for idx in idxs: hand_step(model, opt, x.index_select(0, idx), y.index_select(0, idx), lr)
    return run

def inline(mom=0.9, fold=False, compiled=False):
    "A step written out: `ps` are `w1, b1, w2, b2`; momenta and gradient buffers are made on the first call"
    state = {}
    def one(xb, yb, ps, avgs, gs, lr):
        w1,b1,w2,b2 = ps
        h = torch.addmm(b1, xb, w1).clamp_min_(0.)
        g = torch.addmm(b2, h, w2).log_softmax(1).exp_()                                   # softmax
        # its gradient: (softmax - onehot)/n
        g.scatter_add_(1, yb[:, None], g.new_full((len(yb), 1), -1.)).mul_(1/len(yb))
        hg = (g @ w2.t()).mul_(h.sign())
        if fold:
            for avg,a,d in ((avgs[0], xb, hg), (avgs[2], h, g)):
                torch.addmm(avg, a.t(), d, beta=mom, alpha=1-mom, out=avg)
            avgs[1].lerp_(hg.sum(0), 1-mom); avgs[3].lerp_(g.sum(0), 1-mom)
        else:
            torch.mm(xb.t(), hg, out=gs[0]); torch.sum(hg, 0, out=gs[1])
            torch.mm(h.t(), g, out=gs[2]); torch.sum(g, 0, out=gs[3])
            torch._foreach_lerp_(avgs, gs, 1-mom)
        torch._foreach_add_(ps, avgs, alpha=-lr/(1-mom))
    if compiled: one = torch.compile(one, dynamic=False)   # inductor: the elementwise work fused into C++ loops
    def run(x, y, ps, idxs, lr):
        if not state: state.update(avgs=[torch.zeros_like(p) for p in ps], gs=[torch.zeros_like(p) for p in ps])
        for idx in idxs: one(x.index_select(0, idx), y.index_select(0, idx), ps, state['avgs'], state['gs'], lr)
    return run

CPP = r"""
#include <torch/extension.h>
using at::Tensor;
// One SGD step of the folded inline step: ps are w1, b1, w2, b2 (float32, contiguous), avgs their momenta times 1-mom
void step(const Tensor& x, const Tensor& y, const Tensor& idx, std::vector<Tensor> ps, std::vector<Tensor> avgs, double lr, double mom) {
  const Tensor &w1 = ps[0], &b1 = ps[1], &w2 = ps[2], &b2 = ps[3];
  for (const Tensor& t : {b1, b2, y, idx, avgs[1], avgs[3]})   // read through pointers below (data_ptr checks their dtypes)
    TORCH_CHECK(t.is_contiguous(), "step: the biases, their momenta, y and idx must be contiguous");
  Tensor xb = x.index_select(0, idx), h = at::mm(xb, w1);
  const int64_t n = h.size(0), nh = h.size(1), c = w2.size(1);
  float *hp = h.data_ptr<float>(), *mb1 = avgs[1].data_ptr<float>(), *mb2 = avgs[3].data_ptr<float>();
  const float *b1p = b1.data_ptr<float>(), *b2p = b2.data_ptr<float>();
  const float m = mom, a = 1 - mom;
  for (int64_t i = 0; i < n; i++)                                          // the bias and the ReLU, in one pass
    for (int64_t j = 0; j < nh; j++) { float v = hp[i*nh+j] + b1p[j]; hp[i*nh+j] = v > 0 ? v : 0; }
  Tensor g = at::mm(h, w2);
  float* gp = g.data_ptr<float>();
  const int64_t *yp = y.data_ptr<int64_t>(), *ip = idx.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; i++) {                                        // the bias, the softmax and its gradient: (softmax - onehot)/n
    float* r = gp + i*c;
    float mx = -INFINITY, s = 0;
    for (int64_t j = 0; j < c; j++) { r[j] += b2p[j]; mx = std::max(mx, r[j]); }
    for (int64_t j = 0; j < c; j++) { r[j] = std::exp(r[j] - mx); s += r[j]; }
    for (int64_t j = 0; j < c; j++) r[j] /= s*n;
    r[yp[ip[i]]] -= 1.f/n;
  }
  for (int64_t j = 0; j < c; j++) {                                        // b2's gradient, the columns' sums, into its momentum
    float s = 0;
    for (int64_t i = 0; i < n; i++) s += gp[i*c+j];
    mb2[j] = m*mb2[j] + a*s;
  }
  Tensor hg = at::mm(g, w2.t());
  float* hgp = hg.data_ptr<float>();
  for (int64_t j = 0; j < nh; j++) mb1[j] *= m;
  for (int64_t i = 0; i < n; i++)                                          // the ReLU's mask, and b1's gradient into its momentum
    for (int64_t j = 0; j < nh; j++) { float v = hp[i*nh+j] > 0 ? hgp[i*nh+j] : 0; hgp[i*nh+j] = v; mb1[j] += a*v; }
  at::addmm_out(avgs[0], avgs[0], xb.t(), hg, mom, 1 - mom);              // the weights' gradients straight into their momenta
  at::addmm_out(avgs[2], avgs[2], h.t(), g, mom, 1 - mom);
  at::_foreach_add_(ps, avgs, -lr/(1 - mom));
}
"""

@cache
def cpp_step():
    "`CPP`'s step, built by `torch.utils.cpp_extension` (or found built, in its cache: torch's extensions folder)"
    from torch.utils.cpp_extension import load_inline
    return load_inline('mlp_from_scratch_step', cpp_sources=CPP, functions=['step'], extra_cflags=['-O3']).step

def fused(mom=0.9):
    "The folded step as one C++ function; momenta are made on the first call"
    step,avgs = cpp_step(),[]
    def run(x, y, ps, idxs, lr):
        if not avgs: avgs.extend(torch.zeros_like(p) for p in ps)
        for idx in idxs: step(x, y, idx, ps, avgs, lr, mom)
    return run

@call_parse
def main(n_in:int=784,   # Inputs: each image's middle pixels (100: as many as the speed preset's principal components)
         bs:int=128,     # Batch size
         nh:int=256,     # Hidden units
         steps:int=200,  # Steps in each timed run (at least 5)
         rounds:int=15,  # Timed runs of each
         lr:float=0.01,  # Learning rate (constant)
         compiled:bool=False, # Time the inline step through torch.compile too (about 15 s to compile on 2 cores)
         cpp:bool=False): # Time the step fused by hand in C++ too (a C++ compiler and ninja; about 40 s to build, once)
    "Time the library's SGD step, and the same step written inline, against the training floor and the products alone"
    x,y = load_mnist()[:2]
    for k,v,lo,hi in (('n_in', n_in, 1, x.shape[1]), ('bs', bs, 1, len(x)), ('nh', nh, 1, None),
                      ('steps', steps, 5, None), ('rounds', rounds, 1, None)):
        if v < lo or (hi and v > hi):
            sys.exit(f"step.py: --{k} must be at least {lo}{f' and at most {hi}' if hi else ''}, got {v}")
    x = x[:, (784-n_in)//2:][:, :n_in].contiguous()
    idxs = [i for i in batches(len(x), bs, torch.Generator().manual_seed(0)) if len(i) == bs][:steps]   # full ones
    if len(idxs) < steps: print(f"{len(x)} images make only {len(idxs)} full batch{'es'*(len(idxs) > 1)} of {bs}")
    def fresh():
        model = get_model(n_in, nh, 10, generator=torch.Generator().manual_seed(0))
        return model,model.parameters()
    model,ps = fresh()
    # ways to write the step, each checked against the library's
    steps_ = {'inline': inline, 'inline, folded': partial(inline, fold=True)}
    if compiled: steps_['inline, compiled'] = partial(inline, compiled=True)
    if cpp: steps_['fused in C++'] = fused
    ref = fresh()
    library(ref[0], SGD(ref[1], lr=lr))(x, y, ref[1], idxs[:5], lr)
    for name,make in list(steps_.items()):
        ps_ = [p.clone() for p in fresh()[1]]   # a fresh copy and step: the timed ones start from the same state
        try: make()(x, y, ps_, idxs[:5], lr)
        except Exception as e:   # both need a C++ compiler, and may fail on a platform they do not support
            if name in ('inline', 'inline, folded'): raise
            what = 'torch.compile' if name == 'inline, compiled' else 'building the C++ step'
            print(f"{what} failed here, so the step '{name}' is left out: "
                  f"{type(e).__name__}: {str(e).strip().splitlines()[0]}")
            del steps_[name]; continue
        for p,r in zip(ps_, ref[1]): test_close(p, r, eps=1e-5)
    runs = {'floor': (partial(floor, avgs=[torch.zeros_like(p) for p in ps]), [p.clone() for p in ps]),
            'products': (floor, [p.clone() for p in ps]),
            'library': (library(model, SGD(ps, lr=lr)), ps),
            **{n: (make(), [p.clone() for p in ps]) for n,make in steps_.items()}}
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, {threads} thread{'s'*(threads != 1)}; {n_in}-{nh}-10, batches of {bs}, "
          f"{len(idxs)} steps a run; "
          f"each way of writing the step gives the library's parameters after {len(idxs[:5])} steps")
    for f,p in runs.values(): f(x, y, p, idxs[:20], lr)   # warm up
    res = {n: [] for n in runs}
    for _ in range(rounds):
        for name,(f,p) in runs.items():
            t0 = time.perf_counter()
            f(x, y, p, idxs, lr)
            res[name].append((time.perf_counter()-t0) / len(idxs))
    def ratio(v, ref):
        return f"fastest {min(v)/min(res[ref]):.2f}, median {statistics.median([a/b for a,b in zip(v, res[ref])]):.2f}"
    for name,v in res.items():
        print(f"{name:<16} {min(v)*1e3:6.3f} ms a step   / floor: {ratio(v, 'floor')}   "
              f"/ products: {ratio(v, 'products')}")
