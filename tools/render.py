"""Render notebooks as the docs site shows them, to look at them: HTML and full-page PNG screenshots, outside the repo.
Quarto cannot run here, so this is an approximation: nbdev's own docs processing (`nbdev.serve.proc_nbs`, into _proc/),
then nbconvert, with by hand what Quarto would do: the front matter as title and summary, `#|` lines dropped, cells
with `echo: false` shown without their code, a folded cell's summary above it, `[source](...){...}` links without their
attribute text, and an 800px text column with 14px code, about as wide as the site's.
Needs chromium (`apt-get install -y chromium`) and MathJax 2 on disk (`npm install mathjax@2.7.9` in some folder, passed
as --mathjax; nbconvert's default MathJax is on a CDN). Pillow (installed with matplotlib) crops and slices the shots.
Usage: python tools/render.py 02_backward index [--out /tmp/render] [--mathjax /tmp/mj/node_modules/mathjax] [--no-proc]
Writes OUT/NAME.html, OUT/NAME.png (the whole page) and OUT/NAME-1.png, NAME-2.png... (1600px slices, for viewers)."""
import argparse, re, subprocess
from pathlib import Path
import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

root = Path(__file__).resolve().parent.parent
CSS = """<style>:root{--jp-code-font-size:14px;--jp-content-font-size1:16px}
.jp-Notebook{max-width:800px;margin:0 auto;padding:24px 0}
.jp-RenderedMarkdown pre{background:#f5f5f5;padding:6px;margin-bottom:1em;overflow-x:auto;white-space:pre}
</style>"""

def quartoish(nb):
    "The processed notebook `nb` with by hand what Quarto would do to it"
    cells = []
    for c in nb.cells:
        if c.cell_type == 'raw' and c.source.startswith('---'):  # front matter: title and description
            fm = dict(re.findall(r'^(\w+): (.*(?:\n  .*)*)', c.source, re.M))
            desc = ' '.join(fm.get('description', '').split())
            c = nbformat.v4.new_markdown_cell(f"# {fm.get('title', '')}\n\n> {desc}")
        if c.cell_type == 'code':
            opts = dict(re.findall(r'^#\|\s*([\w-]+):\s*(.*)$', c.source, re.M))
            if opts.get('include') == 'false': continue
            c.source = '\n'.join(l for l in c.source.split('\n') if not l.startswith('#|')).strip()
            if opts.get('echo') == 'false': c.metadata.setdefault('tags', []).append('remove_input')
            if 'code-summary' in opts:
                cells.append(nbformat.v4.new_markdown_cell('▾ ' + opts['code-summary'].strip('"')))
            for o in c.get('outputs', []):
                if 'text/markdown' in o.get('data', {}):
                    o.data['text/markdown'] = re.sub(r'(\]\([^)]*\))\{[^}]*\}', r'\1', o.data['text/markdown'])
        cells.append(c)
    nb.cells = cells
    return nb

def bad_links(nb):
    "Relative links from markdown to notebooks or files that are not in nbs/"
    md = '\n'.join(c.source for c in nb.cells if c.cell_type == 'markdown')
    return [t for t in re.findall(r'\]\(([^)#\s]+)', md) if '://' not in t and not (root/'nbs'/t).exists()]

def shoot(html, png, h=40000):
    "A full-page screenshot of `html` in headless chromium, cropped to the page, and its 1600px slices"
    from PIL import Image, ImageChops
    subprocess.run(['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
                    f'--screenshot={png}', f'--window-size=1200,{h}', '--virtual-time-budget=10000', html.as_uri()],
                   check=True, capture_output=True)
    im = Image.open(png).convert('RGB')
    box = ImageChops.difference(im, Image.new('RGB', im.size, im.getpixel((0, h-1)))).getbbox()
    if box and box[3] >= h-1: print(f'{png}: the page is longer than {h}px and was cut')
    im = im.crop((0, 0, im.width, (box[3] if box else h) + 24)); im.save(png)
    for i, y in enumerate(range(0, im.height, 1600)): im.crop((0, y, im.width, min(y+1600, im.height))).save(
        png.with_name(f'{png.stem}-{i+1}.png'))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('names', nargs='+', help='notebooks, e.g. 02_backward index')
    p.add_argument('--out', default='/tmp/render', help='folder for the HTML and PNG files')
    p.add_argument('--mathjax', default='/tmp/mj/node_modules/mathjax', help='folder holding MathJax.js (version 2)')
    p.add_argument('--no-proc', action='store_true', help='use _proc/ as it is, without running proc_nbs')
    a = p.parse_args()
    if not a.no_proc:
        from nbdev.serve import proc_nbs
        proc_nbs(path=str(root/'nbs'))
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    ex = HTMLExporter(config=Config(TagRemovePreprocessor=dict(enabled=True, remove_input_tags={'remove_input'})),
                      exclude_input_prompt=True, exclude_output_prompt=True,
                      mathjax_url=f'file://{a.mathjax}/MathJax.js?config=TeX-AMS_CHTML-full')
    for name in a.names:
        nb = quartoish(nbformat.read(root/'_proc'/f'{name.removesuffix(".ipynb")}.ipynb', as_version=4))
        for t in bad_links(nb): print(f'{name}: link to {t}, which is not in nbs/')
        html = out/f'{name.removesuffix(".ipynb")}.html'
        html.write_text(ex.from_notebook_node(nb)[0].replace('</head>', CSS + '</head>', 1))
        shoot(html, html.with_suffix('.png'))
        print(html, html.with_suffix('.png'))

if __name__ == '__main__': main()
