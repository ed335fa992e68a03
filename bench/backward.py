"""Benchmark: the exported hand-written `forward_and_backward` against autograd, full MNIST training set.

Times both alternately in one process (the machine is shared and noisy, so only the ratio in one run
means anything), then measures each one's extra peak memory in a fresh subprocess (Linux: /proc/self).
Usage: python bench/backward.py [--rounds 15]
"""
import argparse, statistics, subprocess, sys, time
import torch
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.forward import init_params, model, mse
from mlp_from_scratch.backward import forward_and_backward

def hand(x, y, params): return forward_and_backward(x, y, *params)

def autograd(x, y, params):
    x = x.requires_grad_()
    ps = [p.requires_grad_() for p in params]
    loss = mse(model(x, *ps), y)
    loss.backward()
    return loss

IMPLS = {'hand-written': hand, 'autograd': autograd}

def setup():
    x, y = load_mnist()[:2]
    torch.manual_seed(42)
    return x, y.float(), init_params(784, 50)

def run_once(name, x, y, params):
    x, ps = x.clone(), [p.clone() for p in params]
    t0 = time.perf_counter()
    IMPLS[name](x, y, ps)
    return time.perf_counter() - t0

def peak_mib():
    "Peak resident memory of this process since the last `reset_peak()` (Linux)"
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'): return int(line.split()[1]) / 1024

def reset_peak():
    "Forget the peak so far (loading the data peaks higher than the computation)"
    with open('/proc/self/clear_refs', 'w') as f: f.write('5')

def rss_mib():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024

def memory(name):
    "Extra peak RSS (MiB) of one forward+backward of `name`, measured in a fresh process"
    out = subprocess.run([sys.executable, __file__, '--memory', name], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])

def _memory_child(name):
    x, y, params = setup()
    x, ps = x.clone(), [p.clone() for p in params]
    reset_peak()
    before = rss_mib()
    IMPLS[name](x, y, ps)
    print(peak_mib() - before)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rounds', type=int, default=15)
    ap.add_argument('--memory', choices=IMPLS, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory: sys.exit(_memory_child(args.memory))
    x, y, params = setup()
    times = {n: [] for n in IMPLS}
    for n in IMPLS: run_once(n, x, y, params)  # warm-up
    for _ in range(args.rounds):
        for n in IMPLS: times[n].append(run_once(n, x, y, params))
    med = {n: statistics.median(t)*1e3 for n,t in times.items()}
    for n in IMPLS: print(f"{n:>13}: median {med[n]:6.1f} ms, min {min(times[n])*1e3:6.1f} ms over {args.rounds} rounds")
    print(f"ratio hand-written / autograd (medians): {med['hand-written']/med['autograd']:.2f}  (target <= 1.00)")
    for n in IMPLS: print(f"{n:>13}: extra peak memory {memory(n):6.0f} MiB  (target < 1536 MiB)")
