"""Run the library on a CUDA GPU: `mlp_check` (every gradient, float32 and float64) and `mlp_train`, with `--device cuda`.

Needs a CUDA build of torch and a GPU; not part of CI, which has no GPU. Usage: python bench/cuda_check.py
"""
import subprocess, sys, tempfile
import torch
from fastcore.script import call_parse

@call_parse
def main(device:str='cuda'): # The CUDA device to use
    "Run mlp_check and mlp_train on a CUDA device; exit non-zero if any of them fails"
    if not torch.cuda.is_available(): sys.exit('cuda_check: no CUDA device visible to torch')
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(device)}", flush=True)
    with tempfile.TemporaryDirectory() as out:
        runs = [['mlp_check', '--device', device], ['mlp_check', '--device', device, '--double'],
                ['mlp_train', '--device', device, '--progress', 'false', '--out', out]]
        failed = [r for r in runs if print('\n$', ' '.join(r), flush=True) or subprocess.run(r).returncode]
    print('\nALL OK' if not failed else f"\nFAILED: {'; '.join(' '.join(r) for r in failed)}")
    sys.exit(1 if failed else 0)
