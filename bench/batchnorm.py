"""Benchmark: the hand-written `BatchNorm`'s forward and backward against `nn.BatchNorm1d` with autograd.

One forward and backward pass of a `(bs, nf)` batch in training mode, each contender the best of several rounds
(the machine is shared and noisy, so only the ratio in one run means anything), in microseconds.
Usage: python bench/batchnorm.py [--bs 128 --nf 1024 --rounds 30 --reps 50]
"""
import sys, timeit
import torch
from fastcore.script import call_parse
from mlp_from_scratch.layers import BatchNorm
from mlp_from_scratch.twin import twin

def best_us(f, reps:int, rounds:int)->float:
    "The best of `rounds` rounds of `reps` calls of `f`, in microseconds a call"
    return min(timeit.repeat(f, number=reps, repeat=rounds))/reps*1e6

@call_parse
def main(bs:int=128,     # Examples in the batch
         nf:int=1024,    # Features
         rounds:int=30,  # Timed rounds of each; the best counts
         reps:int=50):   # Calls in a round
    "Time batch norm's forward and backward, by hand against `nn.BatchNorm1d` with autograd"
    if min(bs, nf, rounds, reps) < 1 or bs < 2: sys.exit('batchnorm.py: --bs must be at least 2, the others at least 1')
    g = torch.Generator().manual_seed(0)
    x,u = torch.randn(bs, nf, generator=g),torch.randn(bs, nf, generator=g)
    bn = BatchNorm(nf)
    tw = twin(bn)
    xt = x.clone().requires_grad_()
    def hand():
        out = bn(x); out.g = u; bn.backward()
    def torch_ref(): tw(xt).backward(u)
    times = {'hand-written BatchNorm': best_us(hand, reps, rounds),
             'nn.BatchNorm1d + autograd': best_us(torch_ref, reps, rounds)}
    for n,t in times.items(): print(f'{n:>26}: {t:8.0f} us')
    print(f"ratio hand-written / autograd: {times['hand-written BatchNorm']/times['nn.BatchNorm1d + autograd']:.2f}")
