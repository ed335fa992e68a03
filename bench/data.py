"""Time `load_mnist()` from a warm cache against `torch.load` of the very same tensors, alternately, in one run.

    python bench/data.py [--rounds 20]

The cache maps its file into memory, so its pages are read when first used: the same pair is also timed with every
byte read once. Also times the slow path it replaces: verifying, decompressing and safely unpickling `mnist.pkl.gz`.
Targets: at most 0.1 s here, and at most 1.5x `torch.load`.
"""
import statistics, sys, tempfile, time
from pathlib import Path
import torch
from fastcore.script import call_parse
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.fetch import read_mnist, cache_dir, MNIST_FILE

def timed(f):
    t0 = time.perf_counter()
    res = f()
    return time.perf_counter()-t0, res

@call_parse
def main(rounds:int=20): # Timed loads of each
    "Time load_mnist() from a warm cache against torch.load of the same tensors"
    if rounds < 1: sys.exit(f'data.py: --rounds must be at least 1, got {rounds}')
    ref = load_mnist()  # warms the cache (and builds it, the first time)
    with tempfile.TemporaryDirectory() as d:
        pt = Path(d)/'mnist.pt'
        torch.save(list(ref), pt)
        def touched(load):
            "Load, then read every byte once"
            ts = load()
            for t in ts: t.sum()
            return ts
        times = {'load_mnist()': [], 'torch.load': [], 'load_mnist() + read': [], 'torch.load + read': []}
        for _ in range(rounds):
            t,res = timed(load_mnist)
            times['load_mnist()'].append(t)
            t,res_pt = timed(lambda: torch.load(pt))
            times['torch.load'].append(t)
            times['load_mnist() + read'].append(timed(lambda: touched(load_mnist))[0])
            times['torch.load + read'].append(timed(lambda: touched(lambda: torch.load(pt)))[0])
        assert all(torch.equal(a, b) for a,b in zip(res, res_pt))
    slow,_ = timed(lambda: read_mnist(cache_dir()/MNIST_FILE))
    med = {k: statistics.median(v) for k,v in times.items()}
    for k,v in times.items():
        print(f"{k:>20}: median {med[k]*1e3:7.1f} ms, fastest {min(v)*1e3:7.1f} ms over {rounds} rounds")
    print(f"{'read_mnist':>20}: {slow*1e3:7.1f} ms "
          "(verify, decompress and unpickle mnist.pkl.gz: the path the cache replaces)")
    print(f"load_mnist() / torch.load (medians): {med['load_mnist()']/med['torch.load']:.2f}, target <= 1.5; "
          f"load_mnist() median {med['load_mnist()']*1e3:.1f} ms, target <= 100 ms")
    print(f"with every byte read once: {med['load_mnist() + read']/med['torch.load + read']:.2f} "
          f"({med['load_mnist() + read']*1e3:.1f} ms against {med['torch.load + read']*1e3:.1f} ms): "
          "the cache maps the file, so its pages are read on first use")
