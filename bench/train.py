"""Time the hand-written training against its PyTorch autograd twin and against the floor, in one run.

    python bench/train.py                        # the `mlp_train` defaults: 784-256-10, SGD, 10 epochs
    python bench/train.py --preset speed         # any preset or option of `mlp_train`
    python bench/train.py --device cuda          # on a GPU, with `torch.compile`d autograd as a second reference

Three trainings from the same initial weights, batches and schedule, and a fourth that isolates the fixed costs:
- hand-written: `train(...)`, exactly as `mlp_train` trains (per-epoch validation included);
- autograd: `train(..., reference=True)`, the same network as `nn.Linear`/`nn.ReLU`, `F.cross_entropy`, `torch.optim`;
- floor: the work no implementation can avoid, the same batches' gather and matrix products (forward and backward),
  and the validation's forward products, after any crop and projection onto principal components (done once), with nothing else;
- fixed cost: the hand-written training again, with the same number of steps, options and operations, on 2-example
  batches of 2x2 images (after any crop; at most 4 principal components) and hidden layers of 4 units, as many as the real network's: Python and each operation's fixed cost, with almost no arithmetic. The hand-written
  time less this, against the floor, shows how much of the gap is arithmetic and how much is per-operation overhead.
Runs alternate so that all meet the same machine load; the fastest of `--rounds` runs of each is compared (medians too).
"""
import statistics, sys, time
from dataclasses import asdict, replace
from unittest.mock import patch
import torch
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.init import get_model
from mlp_from_scratch import learner
from mlp_from_scratch.learner import train, fit, batches, to_device, fit_front
from mlp_from_scratch.config import TrainConfig, get_device, check_data
from mlp_from_scratch.training import config_options, parse_args

def _sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def floor(data, cfg, dev):
    "The same batches' gather and matmuls (forward and backward), and the validation's forward matmuls"
    # the pixels the network sees, cropped and projected once, as `train` does: the cheapest any implementation could do it
    # (the projection: the covariance's product, its eigenvectors and the projection's products); normalising is not a matmul
    front,x = fit_front(data[0], cfg.crop, cfg.pca)
    xv = front(data[2])
    model = get_model(x.shape[1], cfg.nh, 10, cfg.depth, torch.Generator().manual_seed(cfg.seed), dev, cfg.torch_dtype)
    ws = [p for n,p in model.named_parameters().items() if n[0] == 'w']
    gen = torch.Generator().manual_seed(cfg.seed)
    for _ in range(cfg.epochs):
        for idx in batches(len(x), cfg.bs, gen, dev):
            acts = [x.index_select(0, idx)]
            for w in ws: acts.append(acts[-1] @ w)
            g = acts[-1]
            for i in range(len(ws)-1, -1, -1):
                acts[i].t() @ g                  # the weight's gradient
                if i: g = g @ ws[i].t()          # the input's, except for the data
        h = xv
        for w in ws: h = h @ w
        h.sum().item()                           # fit reads its losses back once per epoch
    _sync(dev)

def tiny(data, bs, crop=0):
    "Data with the same number of batches of `bs` as `data`, but 2 examples a batch of 2x2 images (after a `crop`), and 10 classes"
    n,nv,npx = 2*-(-len(data[0])//bs),20,(2+2*crop)**2
    g = torch.Generator().manual_seed(0)
    return (torch.rand(n, npx, generator=g), torch.arange(n)%10, torch.rand(nv, npx, generator=g), torch.arange(nv)%10)

def compiled(data, cfg):
    "The autograd twin under `torch.compile`: `train(..., reference=True)`, with every option, the model it fits compiled"
    with patch.object(learner, 'fit', lambda model, *a, **k: fit(torch.compile(model), *a, **k)):
        return train(data, cfg, reference=True, progress=False)[1]

@config_options
def main(rounds:int=3, # Timed runs of each
         **opts):
    "Time the hand-written training against its autograd twin and the floor"
    if rounds < 1: sys.exit(f'train.py: --rounds must be at least 1, got {rounds}')
    try:
        dev = get_device((cfg := TrainConfig.preset(**opts)).device)
        data = to_device(load_mnist(), dev, cfg.torch_dtype)  # on the device once, as mlp_train does
        check_data(data, cfg)
    except (TypeError, ValueError) as e: sys.exit(f'train.py: {e}')
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {dev}; "
          + ', '.join(f'{k} {v}' for k,v in asdict(cfg).items()))
    def fixed_cost(d, c): return train(tiny(d, c.bs, c.crop), replace(c, nh=4, bs=2, pca=min(c.pca, 4)), progress=False)[1]
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
            print(f"no compiled reference: torch.compile failed here ({type(e).__name__}: {str(e).strip().splitlines()[0]})")
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
    print(f"\nfastest of {rounds} (median): " + ', '.join(f'{n} {best[n]:.2f} s ({med[n]:.2f} s)' for n in runs))
    plain = not (cfg.dropout or cfg.bn or cfg.smoothing or cfg.shift)  # targets: 0.8 of autograd's time; 1.0 with these layers
    for ref,target in [('autograd', 0.8 if plain else 1.0), ('floor', 1.25)] + [('compiled autograd', 1.0)]*('compiled autograd' in runs):
        print(f"hand-written / {ref:<17}: {best['hand-written']/best[ref]:.2f} (medians {med['hand-written']/med[ref]:.2f}), target <= {target}")
    steps = cfg.epochs * -(-len(data[0])//cfg.bs)
    print(f"fixed cost: {best['fixed cost']:.2f} s, {best['fixed cost']/steps*1e6:.0f} us a step; "
          f"(hand-written - fixed cost) / floor: {(best['hand-written']-best['fixed cost'])/best['floor']:.2f} "
          f"(medians {(med['hand-written']-med['fixed cost'])/med['floor']:.2f})")


if __name__ == '__main__': main(**parse_args(main, 'train.py'))
