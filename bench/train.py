"""Time the hand-written training against a PyTorch autograd twin: same network, initial weights, batches and schedule.

    python bench/train.py                        # the `mlp_train` defaults: 784-256-10, SGD, 10 epochs
    python bench/train.py --nh 1024 --epochs 12  # any other `mlp_train` setting

Runs alternate, hand-written then autograd, so that both meet the same machine load; the fastest of `--rounds` runs of each is
compared (medians too). Each run includes the per-epoch validation, exactly as `mlp_train` trains.
"""
import argparse, statistics, time
import torch
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.training import train, LRS, OPTS

def timed_train(data, reference, **kw):
    t0 = time.perf_counter()
    _,hist = train(data, reference=reference, progress=False, **kw)
    return time.perf_counter()-t0, hist['valid_acc'][-1]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--nh', type=int, default=256)
    p.add_argument('--depth', type=int, default=1)
    p.add_argument('--bs', type=int, default=128)
    p.add_argument('--lr', type=float, default=None, help='peak learning rate (default: as mlp_train)')
    p.add_argument('--opt', choices=list(OPTS), default='sgd')
    p.add_argument('--wd', type=float, default=0.)
    p.add_argument('--seed', type=int, default=42)
    p.add_argument('--rounds', type=int, default=3, help='timed runs of each')
    a = p.parse_args()
    kw = dict(epochs=a.epochs, nh=a.nh, depth=a.depth, bs=a.bs, lr=a.lr or LRS[a.opt], opt=a.opt, wd=a.wd, seed=a.seed)
    data = load_mnist()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; " + ', '.join(f'{k} {v}' for k,v in kw.items()))
    warm = [t[:5000] for t in data]  # one-off costs (allocator, kernels' first calls) out of the timings
    for ref in (False, True): timed_train(warm, ref, **dict(kw, epochs=1))
    res = {'hand-written': [], 'autograd': []}
    for r in range(a.rounds):
        for name in res:
            secs,acc = timed_train(data, name == 'autograd', **kw)
            res[name].append((secs, acc))
            print(f"round {r+1}: {name:<12} {secs:6.2f} s   valid accuracy {acc:.2%}", flush=True)
    (th,ah),(ta,aa) = (min(v) for v in res.values())
    mh,ma = (statistics.median(t for t,_ in v) for v in res.values())
    print(f"\nfastest of {a.rounds}: hand-written {th:.2f} s ({ah:.2%}), autograd {ta:.2f} s ({aa:.2%}), "
          f"ratio hand/autograd {th/ta:.2f} (medians {mh:.2f} s and {ma:.2f} s, ratio {mh/ma:.2f})")

if __name__ == '__main__': main()
