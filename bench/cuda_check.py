"""Run the library on a CUDA GPU: `mlp_check` (every gradient, float32 and float64) and `mlp_train`, with `--device cuda`.

Needs a CUDA build of torch and a GPU; not part of CI, which has no GPU. Usage: python bench/cuda_check.py; to pick a GPU, set CUDA_VISIBLE_DEVICES
"""
import subprocess, sys, tempfile
import torch

def main():
    "Run mlp_check and mlp_train on the CUDA device (choose one with CUDA_VISIBLE_DEVICES); exit non-zero if any of them fails"
    if len(sys.argv) > 1: sys.exit('usage: python bench/cuda_check.py   (to pick a GPU: CUDA_VISIBLE_DEVICES=1 python bench/cuda_check.py)')
    if not torch.cuda.is_available(): sys.exit('cuda_check: no CUDA device visible to torch')
    device = 'cuda'
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(device)}", flush=True)
    with tempfile.TemporaryDirectory() as out:
        runs = [['mlp_check', '--device', device], ['mlp_check', '--device', device, '--double'],
                ['mlp_train', '--device', device, '--progress', 'false', '--out', out]]
        failed = [r for r in runs if print('\n$', ' '.join(r), flush=True) or subprocess.run(r).returncode]
    print('\nALL OK' if not failed else f"\nFAILED: {'; '.join(' '.join(r) for r in failed)}")
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()
