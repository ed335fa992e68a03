"""Print README.md as generated from nbs/index.ipynb: markdown cells as they are, code cells as ```python blocks,
their text outputs as ```text blocks. Left out, as nbdev's own README leaves them out: cells marked `#| hide`, the `#|`
directive lines, figures, and what went to standard error. Needs only the standard library.
Usage: python tools/readme.py > README.md"""
import json, re
from pathlib import Path

def _text(o):
    "The text of an output, or '' for a figure or standard error"
    if o.get('name') == 'stderr' or any(k.startswith('image/') for k in o.get('data', {})): return ''
    return ''.join(o.get('text') or o.get('data', {}).get('text/plain', ''))

def cell_md(cell):
    src = ''.join(cell['source']).strip()
    if cell['cell_type'] == 'markdown': return [src]
    if re.search(r'^#\|\s*hide\s*$', src, re.M): return []
    src = '\n'.join(l for l in src.split('\n') if not l.startswith('#|')).strip()
    if not src: return []
    out = [f'```python\n{src}\n```']
    if text := '\n'.join(t.rstrip('\n') for t in map(_text, cell.get('outputs', [])) if t.strip()): out.append(f'```text\n{text}\n```')
    return out

nb = json.loads((Path(__file__).parent.parent/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
md = '\n\n'.join(block for c in nb['cells'] for block in cell_md(c))
print(re.sub(r'\n{3,}', '\n\n', md).strip())
