"""Time the hand-written training against its PyTorch autograd twin and against the training floor, in one run.

    python bench/train.py                  # the mlp_train defaults: 784-256-10, SGD with momentum, 10 epochs
    python bench/train.py --preset speed   # any preset or option of mlp_train
    python bench/train.py --device cuda    # on a GPU, with a torch.compile'd autograd twin as a further reference

Three trainings from the same initial weights, batches and schedule, and a fourth that isolates the fixed cost:
- hand-written: `train(...)`, exactly as `mlp_train` trains (per-epoch validation included);
- autograd: `train(..., reference=True)`, the same network as `nn.Linear`/`nn.ReLU`, `F.cross_entropy`, `torch.optim`;
- floor: the work that any training with momentum must do, and nothing else: each step's gather of the batch, its
  matrix products (forward and backward) and one fused pass of SGD with momentum over every parameter
  (`torch._fused_sgd_`, PyTorch's own fused kernel, at a learning rate of 0 so that the weights stay put), then the
  validation's forward products once an epoch; any crop and projection onto principal components is done once, as
  `train` does it;
- fixed cost: the hand-written training again, with the same number of steps, options and operations, on 2-example
  batches of 2x2 images (after any crop; at most 4 principal components) and hidden layers of 4 units: Python and each
  operation's own overhead, with almost no arithmetic. The hand-written time less this, against the floor, says how
  much of the gap is arithmetic and how much is overhead.
The contenders run alternately, so that all meet the same machine load; the fastest of `--rounds` runs of each is
compared (medians too). The ratio to the autograd twin has a target: at most 0.8 on the CPU for the plain network, 1.0
with dropout, batch norm, label smoothing or shifts, and on a GPU. The ratio to the floor is tracked: 1.25 is a stretch,
not a target. The last lines are a markdown table, for bench/README.md.
"""
import datetime, platform, statistics, sys, time
from dataclasses import asdict, replace
from unittest.mock import patch
import torch
from fastcore.script import call_parse
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.init import get_model
from mlp_from_scratch import learner
from mlp_from_scratch.learner import train, fit, batches, to_device, fit_front
from mlp_from_scratch.config import TrainConfig, get_device, check_data
from mlp_from_scratch.training import config_options

MOM = 0.9   # the momentum of the library's SGD

def _sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def floor(data, cfg, dev):
    "Each step's gather, matrix products and fused SGD-momentum update; the validation's forward products each epoch"
    # the pixels the network sees, cropped and projected once, as `train` does: the cheapest any implementation could
    # do it (the covariance's product, its eigenvectors and the projection's products); normalising is not a matmul
    front,x = fit_front(data[0], cfg.crop, cfg.pca)
    xv = front(data[2])
    model = get_model(x.shape[1], cfg.nh, 10, cfg.depth, torch.Generator().manual_seed(cfg.seed), dev,
                      cfg.torch_dtype, bn=cfg.bn)
    ps = model.named_parameters()
    ws = [n for n in ps if n[0] == 'w']
    grads = {n: torch.zeros_like(p) for n,p in ps.items()}   # the weights' are replaced each step; the rest stand in
    avgs = [torch.zeros_like(p) for p in ps.values()]
    gen = torch.Generator().manual_seed(cfg.seed)
    for _ in range(cfg.epochs):
        for idx in batches(len(x), cfg.bs, gen, dev):
            acts = [x.index_select(0, idx)]
            for n in ws: acts.append(acts[-1] @ ps[n])
            g = acts[-1]
            for i in range(len(ws)-1, -1, -1):
                grads[ws[i]] = acts[i].t() @ g        # the weight's gradient
                if i: g = g @ ps[ws[i]].t()           # the input's, except for the data
            torch._fused_sgd_(list(ps.values()), list(grads.values()), avgs, weight_decay=cfg.wd, momentum=MOM,
                              lr=0., dampening=MOM, nesterov=False, maximize=False, is_first_step=False)
        h = xv
        for n in ws: h = h @ ps[n]
        h.sum().item()                                # fit reads its losses back once per epoch
    _sync(dev)

def tiny(data, bs, crop=0):
    "As many batches of `bs` as `data` has, of 2 examples each, 2x2 images (after a `crop`) and 10 classes"
    n,nv,npx = 2*-(-len(data[0])//bs),20,(2+2*crop)**2
    g = torch.Generator().manual_seed(0)
    return (torch.rand(n, npx, generator=g), torch.arange(n)%10, torch.rand(nv, npx, generator=g), torch.arange(nv)%10)

def compiled(data, cfg):
    "The autograd twin under `torch.compile`: `train(..., reference=True)`, every option, the model it fits compiled"
    with patch.object(learner, 'fit', lambda model, *a, **k: fit(torch.compile(model), *a, **k)):
        return train(data, cfg, reference=True, progress=False)[1]

def machine(dev)->str:
    "The GPU's or the processor's name"
    if dev.type == 'cuda': return torch.cuda.get_device_name(dev)
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or platform.machine()

@call_parse
@config_options
def main(rounds:int=3, # Timed runs of each
         **opts):
    "Time the hand-written training against its autograd twin and the training floor (see the script's docstring)"
    if rounds < 1: sys.exit(f'train.py: --rounds must be at least 1, got {rounds}')
    try:
        dev = get_device((cfg := TrainConfig.preset(**opts)).device)
        data = to_device(load_mnist(), dev, cfg.torch_dtype)  # on the device once, as mlp_train does
        check_data(data, cfg)
    except (TypeError, ValueError) as e: sys.exit(f'train.py: {e}')
    threads = torch.get_num_threads()
    head = (f"{datetime.date.today()}, {machine(dev)}, {threads} thread{'s'*(threads != 1)}, torch {torch.__version__}"
            + (f', CUDA {torch.version.cuda}' if dev.type == 'cuda' else ''))
    print(head + '; ' + ', '.join(f'{k} {v}' for k,v in asdict(cfg).items()))
    def fixed_cost(d, c):
        return train(tiny(d, c.bs, c.crop), replace(c, nh=4, bs=2, pca=min(c.pca, 4)), progress=False)[1]
    runs = {'hand-written': lambda d,c: train(d, c, progress=False)[1],
            'autograd': lambda d,c: train(d, c, reference=True, progress=False)[1],
            'floor': lambda d,c: floor(d, c, dev),
            'fixed cost': fixed_cost}
    if dev.type == 'cuda': runs['compiled autograd'] = compiled
    warm = [t[:5000] for t in data]  # one-off costs (allocator, kernels' first calls, compilation) out of the timings
    for name,f in list(runs.items()):
        try: f(warm, replace(cfg, epochs=1))
        except Exception as e:  # torch.compile needs a working compiler toolchain; the other references do not
            if name != 'compiled autograd': raise
            why = f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"
            print(f"no compiled reference: torch.compile failed here ({why})")
            del runs[name]
    res = {n: [] for n in runs}
    for r in range(rounds):
        for name,f in runs.items():
            t0 = time.perf_counter()
            hist = f(data, cfg)
            res[name].append(secs := time.perf_counter()-t0)
            acc = f"   valid accuracy {hist['valid_acc'][-1]:.2%}" if hist and name != 'fixed cost' else ''
            print(f"round {r+1}: {name:<18} {secs:6.2f} s{acc}", flush=True)
    best,med = {n: min(v) for n,v in res.items()},{n: statistics.median(v) for n,v in res.items()}
    def ratio(ref): return best['hand-written']/best[ref]
    def ratios(ref): return f"{ratio(ref):.2f} (medians {med['hand-written']/med[ref]:.2f})"
    print(f"\nfastest of {rounds} (median): " + ', '.join(f'{n} {best[n]:.2f} s ({med[n]:.2f} s)' for n in runs))
    plain = not (cfg.dropout or cfg.bn or cfg.smoothing or cfg.shift)
    target = 0.8 if plain and dev.type == 'cpu' else 1.0
    for ref in ['autograd'] + ['compiled autograd']*('compiled autograd' in runs):
        print(f"hand-written / {ref}: {ratios(ref)}, target <= {target}")
    print(f"hand-written / floor: {ratios('floor')}; 1.25 is a stretch, tracked, not a target")
    steps = cfg.epochs * -(-len(data[0])//cfg.bs)
    less_fixed = [(t['hand-written']-t['fixed cost'])/t['floor'] for t in (best, med)]
    print(f"fixed cost: {best['fixed cost']:.2f} s, {best['fixed cost']/steps*1e6:.0f} us a step; "
          f"(hand-written - fixed cost) / floor: {less_fixed[0]:.2f} (medians {less_fixed[1]:.2f})")
    def option(k, v): return (f'--{k}' if v else f'--no-{k}') if isinstance(v, bool) else f'--{k} {v}'
    given = ' '.join(option(k, v) for k,v in opts.items() if v is not None and k != 'preset')
    setting = ' '.join(([f'--preset {opts["preset"]}'] if opts['preset'] != 'default' else []) + [given]).strip()
    refs = [n for n in runs if n not in ('hand-written', 'floor', 'fixed cost')]
    cols = ['setting', 'hand-written', *refs, 'floor', 'fixed cost', *(f'hand / {r}' for r in refs),
            'hand / floor', '(hand - fixed cost) / floor']
    row = [f'`{setting}`' if setting else 'defaults',
           *(f'{best[n]:.2f} s' for n in ['hand-written', *refs, 'floor', 'fixed cost']),
           *(f'{ratio(r):.2f}' for r in [*refs, 'floor']), f'{less_fixed[0]:.2f}']
    print(f"\n{head}; fastest of {rounds} rounds:\n")
    for r in (cols, ['---']*len(cols), row): print('| ' + ' | '.join(r) + ' |')
