"""Benchmark: the exported hand-written `forward_and_backward` against autograd, full MNIST training set.

Times both alternately in one process (the machine is shared and noisy, so only the ratio in one run
means anything), then measures each one's extra peak memory in a fresh subprocess (Linux: /proc/self).
Usage: python bench/backward.py [--rounds 15]
"""
import argparse, statistics, subprocess, sys
import torch
from fastcore.script import call_parse, Param
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.forward import init_params
from mlp_from_scratch.check import grads_functions, grads_autograd, time_grads

IMPLS = {'hand-written': grads_functions, 'autograd': grads_autograd}

def setup():
    x, y = load_mnist()[:2]
    torch.manual_seed(42)
    return (x, y.float(), *init_params(784, 50))

def _status(key):
    "A field of /proc/self/status, in MiB"
    for line in open('/proc/self/status'):
        if line.startswith(key): return int(line.split()[1]) / 1024

def memory(name):
    "Extra peak RSS (MiB) of one forward+backward of `name`, measured in a fresh process"
    out = subprocess.run([sys.executable, __file__, '--memory_of', name], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])

def _memory_child(name):
    args = setup()
    x, ps = args[0].clone(), [p.clone() for p in args[2:]]
    with open('/proc/self/clear_refs', 'w') as f: f.write('5')  # forget the peak of loading the data
    before = _status('VmRSS:')
    IMPLS[name](x, args[1], *ps)
    print(_status('VmHWM:') - before)

@call_parse
def main(rounds:int=15,  # Timed runs of each
         memory_of:Param(argparse.SUPPRESS, str, choices=list(IMPLS))=None): # Internal: one implementation's memory
    "Time the hand-written forward and backward passes against autograd on the full training set"
    if memory_of: return _memory_child(memory_of)
    if rounds < 1: sys.exit(f'backward.py: --rounds must be at least 1, got {rounds}')
    args = setup()
    times = {n: [] for n in IMPLS}
    for _ in range(rounds):
        for n,f in IMPLS.items(): times[n].append(time_grads(f, args)[1])
    med = {n: statistics.median(t)*1e3 for n,t in times.items()}
    for n in IMPLS: print(f"{n:>13}: median {med[n]:6.1f} ms, min {min(times[n])*1e3:6.1f} ms over {rounds} rounds")
    print(f"ratio hand-written / autograd (medians): {med['hand-written']/med['autograd']:.2f}  (target <= 1.00)")
    for n in IMPLS: print(f"{n:>13}: extra peak memory {memory(n):6.0f} MiB  (target < 1536 MiB)")
