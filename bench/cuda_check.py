"""Run the library on a CUDA GPU: every hand-written gradient against autograd, the cross-entropy, and a training run.

Nothing in the library is CPU-specific; this script is the proof. It needs a CUDA build of torch and a GPU,
and is not part of CI (which has no GPU). Usage: python bench/cuda_check.py [--device cuda]
"""
import argparse, sys, time
import torch, torch.nn.functional as F
from mlp_from_scratch.data import load_mnist
from mlp_from_scratch.forward import init_params
from mlp_from_scratch.check import run_checks, rel_error
from mlp_from_scratch.losses import CrossEntropy
from mlp_from_scratch.training import get_model, Classifier, SGD, fit, accuracy

def main(dev):
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(dev)}")
    x_train,y_train,x_valid,y_valid = [t.to(dev) for t in load_mnist()]
    ok = True

    print("\n1. Gradients of the lesson's 784-50-1 MSE model, full training set, against autograd")
    torch.manual_seed(42)
    params = [p.to(dev) for p in init_params(784, 50)]
    for dtype,tol in ((torch.float32, 1e-4), (torch.float64, 1e-10)):
        rows = run_checks(x_train.to(dtype), y_train.to(dtype), [p.to(dtype) for p in params], tol=tol, repeats=3, log=print)
        ok &= all(r['close'] for r in rows)

    print("\n2. Cross-entropy on logits of size 1e4, against F.cross_entropy")
    logits = (torch.randn(512, 10, device=dev) * 1e4)
    targ = torch.randint(0, 10, (512,), device=dev)
    ce = CrossEntropy(); loss = ce(logits, targ); ce.backward()
    lt = logits.clone().requires_grad_(); ref = F.cross_entropy(lt, targ); ref.backward()
    err = rel_error(logits.g, lt.grad)
    print(f"loss {loss.item():.2f} vs {ref.item():.2f}, gradient rel error {err:.1e}, finite: {bool(torch.isfinite(logits.g).all())}")
    ok &= bool(torch.isfinite(loss)) and err < 1e-3 and abs(loss.item()-ref.item()) <= 1e-5*abs(ref.item())  # float32 resolves 1e4 to ~1e-3

    print("\n3. The hand-written classifier trained on the GPU (784-256-10, SGD, 10 epochs)")
    model = get_model(784, 256, 10, 1, torch.Generator().manual_seed(42))
    model = Classifier(*[p.to(dev) for p in model.params])
    t0 = time.perf_counter()
    hist = fit(model, SGD(model.params, lr=0.2), (x_train, y_train, x_valid, y_valid), epochs=10, bs=128, lr=0.2, progress=False)
    torch.cuda.synchronize()
    acc = hist['valid_acc'][-1]
    print(f"trained in {time.perf_counter()-t0:.1f} s, valid accuracy {acc:.2%}, parameters on {model.params[0].device}")
    ok &= acc >= 0.98 and all(p.is_cuda for p in model.params)

    print("\nALL OK" if ok else "\nFAILED")
    return 0 if ok else 1

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default='cuda')
    a = ap.parse_args()
    if not torch.cuda.is_available(): sys.exit('cuda_check: no CUDA device visible to torch')
    sys.exit(main(torch.device(a.device)))
