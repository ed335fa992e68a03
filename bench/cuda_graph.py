"""How much of a training step on a GPU is launch overhead: one step of the hand-written training, run eagerly and
replayed as a CUDA graph, against the autograd twin's step, in microseconds per step.

    python bench/cuda_graph.py                            # on the first GPU
    CUDA_VISIBLE_DEVICES=1 python bench/cuda_graph.py     # on another

Needs a CUDA GPU. Not how the library trains: a graph replays fixed tensors at a fixed learning rate, and the library's
schedule changes the learning rate every step, its dropout and shifts draw from their own generators, and every check
reads each layer's `.out` and `.g`. This measures what capturing the step would buy.
"""
import sys, time, torch
from fastcore.script import call_parse
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.init import get_model
from mlp_from_scratch.optim import SGD
from mlp_from_scratch.twin import twin
from mlp_from_scratch.learner import hand_step, torch_step

def per_step(f, n):
    "Microseconds per call of `f`, after 20 warm-up calls, synchronising only at the ends"
    for _ in range(20): f()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(n): f()
    torch.cuda.synchronize()
    return (time.perf_counter()-t0) / n * 1e6

@call_parse
def main(steps:int=300): # Timed steps of each way, after 20 warm-up steps
    "Time one training step on a CUDA GPU: hand-written, replayed as a CUDA graph, and autograd's (microseconds)"
    if steps < 1: sys.exit(f'cuda_graph.py: --steps must be at least 1, got {steps}')
    if not torch.cuda.is_available(): sys.exit('cuda_graph.py: needs a CUDA GPU, and torch sees none')
    dev = torch.device('cuda')
    x,y = (t.to(dev) for t in load_mnist()[:2])
    for nh,depth,bs in [(256,1,128), (256,1,256), (1024,2,256)]:
        model = get_model(784, nh, 10, depth, torch.Generator().manual_seed(0), dev, torch.float32)
        opt = SGD(model.parameters(), lr=0.05)
        idx = torch.randperm(len(x), device=dev)[:bs]
        xb,yb = x[idx],y[idx]
        res = {'hand-written': per_step(lambda: hand_step(model, opt, xb, yb, 0.05), steps)}
        tw = twin(model)
        tw_opt = opt.twin(tw.parameters())
        res['autograd'] = per_step(lambda: torch_step(tw, tw_opt, xb, yb, 0.05), steps)
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):  # capture needs the step warmed up on a side stream
            for _ in range(3): hand_step(model, opt, xb, yb, 0.05)
        torch.cuda.current_stream().wait_stream(s)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph): hand_step(model, opt, xb, yb, 0.05)
        res['hand-written, CUDA graph'] = per_step(graph.replay, steps)
        print(f"784-{'-'.join([str(nh)]*depth)}-10, batch {bs}, {torch.cuda.get_device_name(dev)}: "
              + ', '.join(f'{k} {v:.0f} us' for k,v in res.items()), flush=True)
