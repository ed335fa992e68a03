"""How much of a training step on a GPU is launch overhead: one step of the hand-written training, run eagerly and replayed
as a CUDA graph, against the autograd twin's step, in microseconds per step.

    python bench/cuda_graph.py

Not how the library trains: a graph replays fixed tensors at a fixed learning rate, and the library's schedule changes the
learning rate every step, its dropout and shifts draw from their own generators, and every check reads each layer's
`.out` and `.g`. This measures what capturing the step would buy. On a CPU it times the two eager steps only.
"""
import sys, time, torch
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.init import get_model
from mlp_from_scratch.optim import SGD
from mlp_from_scratch.autograd import twin
from mlp_from_scratch.learner import hand_step, torch_step

def per_step(f, dev, n=300):
    "Microseconds per call of `f`, after 20 warm-up calls, synchronising only at the ends"
    for _ in range(20): f()
    if dev.type == 'cuda': torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(n): f()
    if dev.type == 'cuda': torch.cuda.synchronize()
    return (time.perf_counter()-t0) / n * 1e6

def main():
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    x,y = (t.to(dev) for t in load_mnist()[:2])
    for nh,depth,bs in [(256,1,128), (256,1,256), (1024,2,256)]:
        model = get_model(784, nh, 10, depth, torch.Generator().manual_seed(0), dev, torch.float32)
        opt = SGD(model.parameters(), lr=0.05)
        idx = torch.randperm(len(x), device=dev)[:bs]
        xb,yb = x[idx],y[idx]
        res = {'hand-written': per_step(lambda: hand_step(model, opt, xb, yb, 0.05), dev)}
        tw = twin(model)
        tw_opt = opt.twin(tw.parameters())
        res['autograd'] = per_step(lambda: torch_step(tw, tw_opt, xb, yb, 0.05), dev)
        if dev.type == 'cuda':
            s = torch.cuda.Stream()
            s.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(s):  # capture needs the step warmed up on a side stream
                for _ in range(3): hand_step(model, opt, xb, yb, 0.05)
            torch.cuda.current_stream().wait_stream(s)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph): hand_step(model, opt, xb, yb, 0.05)
            res['hand-written, CUDA graph'] = per_step(graph.replay, dev)
        print(f"784-{'-'.join([str(nh)]*depth)}-10, batch {bs}, {dev}: " + ', '.join(f'{k} {v:.0f} us' for k,v in res.items()), flush=True)

if __name__ == '__main__':
    if len(sys.argv) > 1: sys.exit(__doc__)   # no options: --help and anything else print what it does
    main()
