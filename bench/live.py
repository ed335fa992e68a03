"""What does watching training live cost? `mlp_train`'s default training with and without `Live`, in one run.

    python bench/live.py                  # the defaults: 784-256-10, batches of 128, 10 epochs, SGD
    python bench/live.py --every 10       # record (and maybe redraw) every 10 steps instead of `Live`'s default
    python bench/live.py --epochs 2       # shorter trainings

Three ways to train the same seeded network on the same batches, with `fit` as `mlp_train`'s defaults do
(`get_model`'s 784-256-10 classifier, `SGD` with momentum, the one-cycle schedule, seed 42):
- plain: `fit` with `hand_step`;
- health: `fit` with `Health(every=...)`: its records alone (a copy of each weight matrix, the update's spread read
  back, the activations and gradients kept);
- live: `fit` with `Live(every=..., budget=...)`, then `live.show()` for the final figure, as a notebook ends a
  training. `Live` draws into a sink that counts and drops the PNG images: what counts is computing, drawing and
  encoding the figure, not a frontend showing it.
matplotlib is imported, and one figure drawn, before the timing: a one-time cost of the process, not of a training.
Runs alternate, round after round, so that all meet the same load; each reports its fastest round, and the fastest
and median of the rounds' ratios to plain. The target: live / plain at most 1.10 at `Live`'s defaults. On a loaded
machine the rounds vary by more than that, so the script also prints the drawing time `Live` measured itself (what its
budget rule holds to `budget` of the elapsed time, less one redraw and the final one) over plain's median time.
"""
import statistics, sys, time
import torch
from fastcore.script import call_parse
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.init import get_model
from mlp_from_scratch.optim import SGD
from mlp_from_scratch.learner import fit, hand_step
from mlp_from_scratch.health import Health
from mlp_from_scratch.live import Live

class Sink:
    "A display that counts the images it is given and drops them"
    def __init__(self): self.n = 0
    def update(self, img): self.n += 1

@call_parse
def main(epochs:int=10,    # Passes over the training set
         rounds:int=3,     # Timed trainings of each way
         every:int=None,   # `Health`'s and `Live`'s record interval; default `Live`'s
         budget:float=None): # `Live`'s share of the time for drawing; default its own
    "Time `mlp_train`'s default training plain, with `Health`'s records, and with the live view"
    for k,v in dict(epochs=epochs, rounds=rounds, every=every or 1).items():
        if v < 1: sys.exit(f'live.py: --{k} must be at least 1, got {v}')
    opts = {k: v for k,v in dict(every=every, budget=budget).items() if v is not None}
    try: Live(**opts)
    except ValueError as e: sys.exit(f'live.py: {e}')
    data = load_mnist()
    def run(way):
        model = get_model(784, 256, 10, generator=torch.Generator().manual_seed(42))
        step = {'plain': hand_step, 'health': Health(every=Live(**opts).every),
                'live': Live(out=Sink(), **opts)}[way]
        t0 = time.perf_counter()
        hist = fit(model.body, SGD(model.parameters()), data, epochs, step=step, seed=42, progress=False)
        if way == 'live': step.show()
        t = time.perf_counter() - t0
        if way == 'live': assert step.losses == hist['loss'] and step.out.n == step.draws
        return t, (step.draws, step.t_draw) if way == 'live' else None
    warm = Live(every=1, out=Sink())   # matplotlib's import and first figure
    m = get_model(784, 16, 10, generator=torch.Generator().manual_seed(0))
    fit(m.body, SGD(m.parameters()), [t[:256] for t in data], 1, step=warm, progress=False)
    warm.show()
    live = Live(**opts)
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, {threads} thread{'s'*(threads != 1)}; 784-256-10, batches of 128, "
          f"{epochs} epoch{'s'*(epochs != 1)}; Live(every={live.every}, budget={live.budget}), {rounds} rounds")
    res,draws = {w: [] for w in ('plain', 'health', 'live')},[]
    for _ in range(rounds):
        for way in res:
            t,d = run(way)
            res[way].append(t)
            if way == 'live': draws.append(d)
    for way,v in res.items():
        ratios = [a/b for a,b in zip(v, res['plain'])]
        print(f"{way:<7} fastest {min(v):6.2f} s   / plain: fastest {min(v)/min(res['plain']):.3f}, "
              f"median {statistics.median(ratios):.3f}")
    print(f"live redraws per training, the final one included: {[d for d,_ in draws]}; the time they took, by "
          f"`Live`'s own clock, over plain's median time: median {statistics.median(t for _,t in draws):.3f} s, "
          f"{statistics.median(t for _,t in draws) / statistics.median(res['plain']):.3f}")
