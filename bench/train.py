"""Time the hand-written training against its PyTorch autograd twin: same network, initial weights, batches and schedule.

    python bench/train.py                        # the `mlp_train` defaults: 784-256-10, SGD, 10 epochs
    python bench/train.py --preset best          # any preset or option of `mlp_train`

Runs alternate, hand-written then autograd, so that both meet the same machine load; the fastest of `--rounds` runs of each is
compared (medians too). Each run includes the per-epoch validation, exactly as `mlp_train` trains.
"""
import statistics, time
import torch
from fastcore.script import call_parse
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.learner import train
from mlp_from_scratch.training import train_options, train_config

def timed_train(data, reference, cfg):
    t0 = time.perf_counter()
    _,hist = train(data, reference=reference, progress=False, **cfg)
    return time.perf_counter()-t0, hist['valid_acc'][-1]

@call_parse
@train_options
def main(rounds:int=3, # Timed runs of each
         **opts):
    "Time the hand-written training against its PyTorch autograd twin"
    cfg = train_config(**opts)
    data = load_mnist()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; " + ', '.join(f'{k} {v}' for k,v in cfg.items()))
    warm = [t[:5000] for t in data]  # one-off costs (allocator, kernels' first calls) out of the timings
    for ref in (False, True): timed_train(warm, ref, dict(cfg, epochs=1))
    res = {'hand-written': [], 'autograd': []}
    for r in range(rounds):
        for name in res:
            secs,acc = timed_train(data, name == 'autograd', cfg)
            res[name].append((secs, acc))
            print(f"round {r+1}: {name:<12} {secs:6.2f} s   valid accuracy {acc:.2%}", flush=True)
    (th,ah),(ta,aa) = (min(v) for v in res.values())
    mh,ma = (statistics.median(t for t,_ in v) for v in res.values())
    print(f"\nfastest of {rounds}: hand-written {th:.2f} s ({ah:.2%}), autograd {ta:.2f} s ({aa:.2%}), "
          f"ratio hand/autograd {th/ta:.2f} (medians {mh:.2f} s and {ma:.2f} s, ratio {mh/ma:.2f})")
